import { PROCESS_FLAGS, missingProcessFlags, relaunchWithProcessFlags } from './process-flags.js';

describe('process flags', () => {
  it('lists every flag when none is given', () => {
    expect(missingProcessFlags([], '')).toEqual([...PROCESS_FLAGS]);
    expect(PROCESS_FLAGS).toContain('--max-semi-space-size=2');
  });

  it('leaves out a flag the command line or NODE_OPTIONS already sets, whatever its value', () => {
    expect(missingProcessFlags(['--max-semi-space-size=16'])).toEqual([]);
    expect(missingProcessFlags(['--inspect'], '--trace-warnings  --max-semi-space-size=8')).toEqual([]);
    expect(missingProcessFlags(['--max-old-space-size=512'], '--trace-warnings')).toEqual(['--max-semi-space-size=2']);
  });

  describe('relaunch', () => {
    const proc = process as unknown as { execve?: unknown };
    const original = { execve: proc.execve, argv: process.argv, execArgv: process.execArgv, defaults: process.env.MODELYARD_V8_DEFAULTS };
    afterEach(() => {
      proc.execve = original.execve;
      process.argv = original.argv;
      process.execArgv = original.execArgv;
      if (original.defaults === undefined) delete process.env.MODELYARD_V8_DEFAULTS;
      else process.env.MODELYARD_V8_DEFAULTS = original.defaults;
    });

    it('replaces the process by the same command with the missing flags before its own', () => {
      const calls: unknown[][] = [];
      proc.execve = (...args: unknown[]) => calls.push(args);
      process.argv = [process.execPath, '/app/dist/main.js', '--port', '3001'];
      process.execArgv = ['--enable-source-maps'];
      delete process.env.MODELYARD_V8_DEFAULTS;
      relaunchWithProcessFlags();
      expect(calls).toHaveLength(1);
      expect(calls[0]![0]).toBe(process.execPath);
      expect(calls[0]![1]).toEqual([process.execPath, ...PROCESS_FLAGS, '--enable-source-maps', '/app/dist/main.js', '--port', '3001']);
      expect(calls[0]![2]).toBe(process.env);
    });

    it('does not relaunch when the flags are given, when asked for defaults, or without process.execve', () => {
      const calls: unknown[][] = [];
      proc.execve = (...args: unknown[]) => calls.push(args);
      process.execArgv = [...PROCESS_FLAGS];
      expect(relaunchWithProcessFlags()).toBe(false);
      process.execArgv = [];
      process.env.MODELYARD_V8_DEFAULTS = '1';
      expect(relaunchWithProcessFlags()).toBe(false);
      delete process.env.MODELYARD_V8_DEFAULTS;
      proc.execve = undefined;
      expect(relaunchWithProcessFlags()).toBe(false);
      expect(calls).toHaveLength(0);
    });

    it('runs on with the defaults when execve fails', () => {
      proc.execve = () => {
        throw new Error('execve is not available on this platform');
      };
      process.execArgv = [];
      delete process.env.MODELYARD_V8_DEFAULTS;
      const warned: unknown[] = [];
      const warn = console.warn;
      console.warn = (message: unknown) => warned.push(message);
      try {
        expect(relaunchWithProcessFlags()).toBe(false);
      } finally {
        console.warn = warn;
      }
      expect(warned).toEqual([`running without ${PROCESS_FLAGS.join(' ')}: execve is not available on this platform`]);
    });
  });
});
