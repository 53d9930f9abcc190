import { DriftClient } from './drift/drift.client.js';
import { HttpClient } from './http/http-client.js';
import { Modelyard } from './modelyard.js';
import { optionsFromEnv, urlOf } from './config.js';

describe('configuration from the environment', () => {
  it('reads credentials, per-service URLs, the timeout and the validation default', () => {
    const options = optionsFromEnv({
      MODELYARD_API_KEY: 'k',
      MODELYARD_REGISTRY_URL: 'http://r:1',
      MODELYARD_URL: 'http://gateway',
      MODELYARD_TIMEOUT_MS: '2500',
      NODE_ENV: 'production',
    });
    expect(options).toMatchObject({
      apiKey: 'k',
      urls: { registry: 'http://r:1' },
      baseUrl: 'http://gateway',
      timeoutMs: 2500,
      validateResponses: false,
    });
    expect(urlOf(options, 'registry')).toBe('http://r:1');
    expect(urlOf(options, 'drift')).toBe('http://gateway');
    expect(urlOf({}, 'learning')).toBe('http://127.0.0.1:3004');
    expect(urlOf({}, 'serving')).toBe('http://127.0.0.1:3005');
    expect(optionsFromEnv({ MODELYARD_SERVING_URL: 'http://s:5' }).urls).toEqual({ serving: 'http://s:5' });
    expect(optionsFromEnv({}).validateResponses).toBe(true);
  });

  it('refuses a timeout that is not a positive number, naming the variable', () => {
    expect(() => optionsFromEnv({ MODELYARD_TIMEOUT_MS: 'ten' })).toThrow(/MODELYARD_TIMEOUT_MS/);
    expect(() => optionsFromEnv({ MODELYARD_TIMEOUT_MS: '-5' })).toThrow(RangeError);
  });

  it('lets explicit options win over the environment, and builds one client per service and class', () => {
    const my = Modelyard.fromEnv(
      { urls: { experiments: 'http://e:2' } },
      { MODELYARD_EXPERIMENTS_URL: 'http://ignored', MODELYARD_REGISTRY_URL: 'http://r:1', MODELYARD_DRIFT_URL: 'http://d:3' },
    );
    expect(my.experiments.http.baseUrl).toBe('http://e:2');
    expect(my.registry.http.baseUrl).toBe('http://r:1');
    expect(my.registry).toBe(my.registry);
    expect(my.drift).toBeInstanceOf(DriftClient);
    expect(my.drift.http.baseUrl).toBe('http://d:3');
    expect(my.drift).toBe(my.client('drift', DriftClient));
    class LearningClient {
      constructor(readonly http: HttpClient) {}
    }
    class OtherLearningClient {
      constructor(readonly http: HttpClient) {}
    }
    const learning = my.client('learning', LearningClient);
    expect(learning).toBeInstanceOf(LearningClient);
    expect(learning.http.baseUrl).toBe('http://127.0.0.1:3004');
    expect(my.client('learning', OtherLearningClient)).toBeInstanceOf(OtherLearningClient);
    expect(my.client('learning', LearningClient)).toBe(learning);
  });
});
