import { Controller, Delete, DynamicModule, HttpCode, Module, Post } from '@nestjs/common';
import { JsonValue, safeText } from '@modelyard/types';
import { z } from 'zod';
import { BaseEnv, parseEnv } from '../config/config.schema.js';
import { toPlatformConfig, type PlatformConfig } from '../config/platform-config.js';
import { PlatformModule } from '../platform.module.js';
import { ZBody } from '../validation/zod-validation.js';
import { IngestionBody } from '../http/body-limits.js';

const ItemBody = z.strictObject({ name: z.string().min(1), data: JsonValue.optional() });
const OptionsBody = z.strictObject({ reason: safeText().max(100).optional() });
const BatchBody = z.strictObject({ items: z.array(JsonValue).max(1_000_000) });

/** Routes of each kind the platform treats differently, for its own HTTP tests. */
@Controller('probe')
class ProbeController {
  @Post('items')
  create(@ZBody(ItemBody) body: z.infer<typeof ItemBody>) {
    return { name: body.name };
  }

  @Post('batches')
  @IngestionBody()
  @HttpCode(200)
  ingest(@ZBody(BatchBody) body: z.infer<typeof BatchBody>) {
    return { accepted: body.items.length };
  }

  @Post('items/:id/pause')
  @HttpCode(200)
  pause() {
    return { paused: true };
  }

  @Post('items/:id/archive')
  @HttpCode(200)
  archive(@ZBody(OptionsBody) body: z.infer<typeof OptionsBody>) {
    return { archived: true, reason: body.reason ?? null };
  }

  @Delete('items/:id')
  @HttpCode(204)
  remove() {}
}

@Module({})
class ProbeModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return { module: ProbeModule, imports: [PlatformModule.forRoot(config)], controllers: [ProbeController] };
  }
}

/** A service made of the platform and the probe routes, built as every service's config.ts does. */
export function buildProbe(env: Record<string, string | undefined>) {
  const config = toPlatformConfig('probe', 0, parseEnv(BaseEnv, env));
  return { module: ProbeModule.forRoot(config), config };
}
