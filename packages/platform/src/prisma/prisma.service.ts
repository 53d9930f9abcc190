import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaClient } from '@modelyard/db';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { acquirePrisma, releasePrisma } from '../shared-clients.js';

/**
 * The Prisma client as an injectable. The class is the DI token and the type; the instance comes
 * from `createPrismaClient` (pg driver adapter), so there is one way to build a client (shared by
 * the services of an all-in-one process: see shared-clients.ts).
 */
export abstract class PrismaService extends PrismaClient {}

export const prismaProvider = {
  provide: PrismaService,
  inject: [PLATFORM_CONFIG],
  useFactory: (config: PlatformConfig) => acquirePrisma(config.database.url),
};

@Injectable()
export class PrismaLifecycle implements OnApplicationShutdown {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async onApplicationShutdown() {
    await releasePrisma(this.prisma);
  }
}
