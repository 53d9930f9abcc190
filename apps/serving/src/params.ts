import { ModelName, VersionName } from '@modelyard/types';
import { z } from 'zod';

export const ModelParams = z.strictObject({ name: ModelName });
export type ModelParams = z.infer<typeof ModelParams>;

export const VersionParams = z.strictObject({ name: ModelName, version: VersionName });
export type VersionParams = z.infer<typeof VersionParams>;
