import { defaultValidation, optionsFromEnv, urlOf, type ModelyardOptions, type ServiceName } from './config.js';
import { DriftClient } from './drift/drift.client.js';
import { ExperimentsClient } from './experiments/experiments.client.js';
import { HttpClient } from './http/http-client.js';
import { LearningClient } from './learning/learning.client.js';
import { RegistryClient } from './registry/registry.client.js';
import { ServingClient } from './serving/serving.client.js';

type ClientClass = abstract new (http: HttpClient) => unknown;

/**
 * One object for the whole platform: `my.registry`, `my.experiments`, `my.drift`, `my.learning`,
 * `my.serving`. Clients are built on first use, each on its own HttpClient (its service's URL, the
 * shared credential and policies). Any class taking an HttpClient can be used the same way:
 * `my.client('learning', MyLearningClient)`.
 */
export class Modelyard {
  private readonly http = new Map<ServiceName, HttpClient>();
  private readonly clients = new Map<ServiceName, Map<ClientClass, unknown>>();

  constructor(readonly options: ModelyardOptions = {}) {}

  /** From MODELYARD_* variables (see optionsFromEnv), with explicit options on top. */
  static fromEnv(overrides: ModelyardOptions = {}, env: Record<string, string | undefined> = process.env): Modelyard {
    const base = optionsFromEnv(env);
    return new Modelyard({ ...base, ...overrides, urls: { ...base.urls, ...overrides.urls } });
  }

  get registry(): RegistryClient {
    return this.client('registry', RegistryClient);
  }

  get experiments(): ExperimentsClient {
    return this.client('experiments', ExperimentsClient);
  }

  get drift(): DriftClient {
    return this.client('drift', DriftClient);
  }

  get learning(): LearningClient {
    return this.client('learning', LearningClient);
  }

  get serving(): ServingClient {
    return this.client('serving', ServingClient);
  }

  /** The one instance of `Client` for this service (built on first use, on the service's HttpClient). */
  client<C>(service: ServiceName, Client: new (http: HttpClient) => C): C {
    let byClass = this.clients.get(service);
    if (!byClass) this.clients.set(service, (byClass = new Map<ClientClass, unknown>()));
    let client = byClass.get(Client) as C | undefined;
    if (!client) {
      client = new Client(this.httpFor(service));
      byClass.set(Client, client);
    }
    return client;
  }

  httpFor(service: ServiceName): HttpClient {
    let http = this.http.get(service);
    if (!http) {
      const { urls: _urls, baseUrl: _baseUrl, ...shared } = this.options;
      http = new HttpClient({
        ...shared,
        baseUrl: urlOf(this.options, service),
        validateResponses: shared.validateResponses ?? defaultValidation(),
        userAgent: shared.userAgent ?? 'modelyard-sdk/0.1',
      });
      this.http.set(service, http);
    }
    return http;
  }
}
