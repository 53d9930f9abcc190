import { Inject, Injectable } from '@nestjs/common';
import { Unauthenticated, UpstreamUnavailable } from '@modelyard/platform';
import { WhoAmIResponse } from '@modelyard/types';
import { request } from 'undici';
import { CONSOLE_SETTINGS } from '../console.tokens.js';
import type { ConsoleSettings } from '../config.js';

/**
 * Asks the registry whose credential this is (`GET /v1/auth/whoami`): the registry holds the API
 * keys and the JWT settings, so the console needs neither and cannot disagree with the services.
 */
@Injectable()
export class CredentialCheck {
  constructor(@Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings) {}

  async whoIs(credential: string, requestId: string): Promise<WhoAmIResponse> {
    const registry = this.settings.upstreams.get('registry')!;
    let res;
    try {
      res = await request(`${registry}/v1/auth/whoami`, {
        headers: { authorization: `Bearer ${credential}`, accept: 'application/json', 'x-request-id': requestId },
        headersTimeout: this.settings.proxyTimeoutMs,
        bodyTimeout: this.settings.proxyTimeoutMs,
      });
    } catch (err) {
      throw new UpstreamUnavailable('registry', `the registry did not answer: ${(err as Error).message}`);
    }
    const text = await res.body.text();
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new Unauthenticated('the registry did not accept this API key or token');
    }
    if (res.statusCode !== 200) throw new UpstreamUnavailable('registry', `the registry answered ${res.statusCode}`);
    const who = WhoAmIResponse.safeParse(JSON.parse(text));
    if (!who.success) throw new UpstreamUnavailable('registry', 'the registry sent an unexpected who-am-i answer');
    return who.data;
  }
}
