/** The ServingSettings (config.serving) as an injectable. */
export const SERVING_SETTINGS = Symbol('SERVING_SETTINGS');
