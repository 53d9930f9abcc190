import { FeedbackBody, FeedbackResponse, PredictBody, PredictResponse, ServedModelResponse, ServedModelsResponse } from '@modelyard/types';
import type { z } from 'zod';
import type { HttpClient } from '../http/http-client.js';
import { path } from '../http/path.js';

/**
 * The serving service: predictions from the versions the registry designates, and what it serves.
 * (Its Open Inference Protocol v2 routes are for existing KServe / Triton clients.)
 */
export class ServingClient {
  constructor(readonly http: HttpClient) {}

  /** Up to 10,000 instances: records by feature name or arrays in the input schema's order. */
  predict(model: string, body: z.input<typeof PredictBody>) {
    // A prediction changes nothing, so a retry after a timeout or a 503 is harmless.
    return this.http.json('POST', path`/v1/models/${model}/predict`, PredictResponse, { body, retrySafe: true });
  }
  /**
   * Labels of earlier predictions (up to 10,000), by the `predictionIds` predict answered: serving
   * forwards them to the model's drift monitors and, as samples, to its learning pipelines.
   */
  feedback(model: string, items: FeedbackBody['items']) {
    return this.http.json('POST', path`/v1/models/${model}/feedback`, FeedbackResponse, { body: { items } });
  }
  /** Every model served: production and alias versions, in memory or not, and load failures. */
  models() {
    return this.http.json('GET', '/v1/models', ServedModelsResponse);
  }
  model(name: string) {
    return this.http.json('GET', path`/v1/models/${name}`, ServedModelResponse);
  }
}
