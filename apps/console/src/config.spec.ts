import { ConfigError } from '@modelyard/platform';
import { buildConsole } from './config.js';

describe('console configuration', () => {
  it('defaults to port 3000, the local services, 8 h idle sessions and no per-address limit', () => {
    const { config } = buildConsole({});
    expect(config.http.port).toBe(3000);
    expect([...config.console.upstreams]).toEqual([
      ['registry', 'http://127.0.0.1:3001'],
      ['experiments', 'http://127.0.0.1:3002'],
      ['drift', 'http://127.0.0.1:3003'],
      ['learning', 'http://127.0.0.1:3004'],
      ['serving', 'http://127.0.0.1:3005'],
    ]);
    expect(config.console.sessionIdleSeconds).toBe(28_800);
    expect(config.rateLimit.max).toBe(0);
    // No JWT settings needed: a key of its own stands in, verifying nothing.
    expect(config.auth.jwtSecret).toHaveLength(64);
  });

  it('names each bad variable', () => {
    expect(() => buildConsole({ CONSOLE_SESSION_IDLE_SECONDS: '5', SERVING_URL: 'ftp://x' })).toThrow(ConfigError);
    try {
      buildConsole({ CONSOLE_SESSION_IDLE_SECONDS: '5', SERVING_URL: 'ftp://x' });
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('CONSOLE_SESSION_IDLE_SECONDS');
      expect(problems).toContain('SERVING_URL');
    }
  });
});
