import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@modelyard/platform';
import { CONSOLE_SETTINGS } from './console.tokens.js';
import type { ConsoleConfig } from './config.js';
import { ProxyController } from './proxy/proxy.controller.js';
import { CredentialCheck } from './session/credential-check.js';
import { SessionController } from './session/session.controller.js';
import { SessionGuard } from './session/session.guard.js';
import { SessionStore } from './session/session.store.js';
import { WebController } from './webapp/web.controller.js';

/** The console: sessions, the forwarding of the app's API calls, and the app's files (last: its route catches all). */
@Module({})
export class AppModule {
  static forRoot(config: ConsoleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config)],
      controllers: [SessionController, ProxyController, WebController],
      providers: [{ provide: CONSOLE_SETTINGS, useValue: config.console }, SessionStore, SessionGuard, CredentialCheck],
    };
  }
}
