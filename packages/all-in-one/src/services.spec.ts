import { ALL_SERVICES, servicesToStart } from './services.js';

describe('servicesToStart', () => {
  it('starts every service by default, registry first and console last, on their usual ports', () => {
    const started = servicesToStart({});
    expect(started.map((s) => [s.name, s.env.PORT])).toEqual([
      ['registry', '3001'],
      ['experiments', '3002'],
      ['drift', '3003'],
      ['learning', '3004'],
      ['serving', '3005'],
      ['console', '3000'],
    ]);
    expect(ALL_SERVICES).toHaveLength(6);
  });

  it('starts the named ones in dependency order, pointing them at each other unless told otherwise', () => {
    const started = servicesToStart({
      MODELYARD_SERVICES: 'experiments, registry',
      PORT_REGISTRY: '4101',
      DRIFT_URL: 'http://drift.example',
    });
    expect(started.map((s) => s.name)).toEqual(['registry', 'experiments']);
    const experiments = started[1]!.env;
    expect(experiments).toMatchObject({ PORT: '3002', REGISTRY_URL: 'http://127.0.0.1:4101', EXPERIMENTS_URL: 'http://127.0.0.1:3002' });
    expect(experiments.DRIFT_URL).toBe('http://drift.example');
    expect(experiments.LEARNING_URL).toBeUndefined();
  });

  it('refuses unknown services and bad ports, naming them', () => {
    expect(() => servicesToStart({ MODELYARD_SERVICES: 'registry,registy' })).toThrow(
      'MODELYARD_SERVICES: unknown service(s) registy; known: registry, experiments, drift, learning, serving, console',
    );
    expect(() => servicesToStart({ MODELYARD_SERVICES: ' , ' })).toThrow('unknown service(s) (none named)');
    expect(() => servicesToStart({ PORT_DRIFT: '70000' })).toThrow('PORT_DRIFT: a port number (0–65535), not "70000"');
  });
});
