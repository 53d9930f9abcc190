import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaClient, createPrismaClient } from '@modelyard/db';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';

/**
 * The Prisma client as an injectable. The class is the DI token and the type; the instance comes
 * from `createPrismaClient` (pg driver adapter), so there is one way to build a client.
 */
export abstract class PrismaService extends PrismaClient {}

export const prismaProvider = {
  provide: PrismaService,
  inject: [PLATFORM_CONFIG],
  useFactory: (config: PlatformConfig) => createPrismaClient(config.database.url),
};

@Injectable()
export class PrismaLifecycle implements OnApplicationShutdown {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async onApplicationShutdown() {
    await this.prisma.$disconnect();
  }
}
