/** The artifacts part of the registry's configuration (RegistryConfig['artifacts']). */
export const ARTIFACTS_CONFIG = Symbol('ARTIFACTS_CONFIG');
