import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Agent, RequestInit, Response } from 'undici';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { ValidationFailed } from '../errors/domain-errors.js';
import { refusedAddress, type NetworkAllowance } from './address-policy.js';
import { ALLOWANCE_HINT, checkOutboundUrl, redactUrl, splitCredentials } from './outbound-url.js';

/** Resolves a host name to every address it has (the default is the system resolver). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** An outbound call the policy refused; never worth retrying with the same URL. */
export class OutboundRefused extends Error {
  readonly code = 'EOUTBOUNDREFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The one outbound-URL policy for calls to URLs users choose (webhooks, drift alert receivers).
 * It is applied twice: when a URL is set (`assertAllowed` → 400 naming the field) and when it is
 * called (`fetch`). At call time the host is resolved, every address is checked, and the socket
 * connects to those checked addresses through this dispatcher's `lookup`: a DNS answer that
 * changes between a check and the connection (rebinding) cannot slip through, because there is
 * no second resolution.
 */
@Injectable()
export class OutboundUrlPolicy implements OnModuleDestroy {
  private readonly allowance: NetworkAllowance;
  private resolver: Resolver = systemResolver;
  /**
   * undici (about 7 MB of memory and 250 ms of start-up) is imported at the first call: most
   * processes never call out (no webhook subscribed, no alert receiver set).
   */
  private client?: Promise<{ agent: Agent; undici: typeof import('undici') }>;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.allowance = config.webhooks.allowPrivateNetworks;
  }

  private undiciClient() {
    this.client ??= import('undici').then((undici) => ({
      undici,
      agent: new undici.Agent({ connect: { lookup: (host, options, callback) => this.lookup(host, options, callback) } }),
    }));
    return this.client;
  }

  /** Replaces the resolver (tests, or an installation with its own DNS client). */
  useResolver(resolver: Resolver): void {
    this.resolver = resolver;
  }

  /** Why `url` may not be called, or null. */
  refusal(url: string): string | null {
    const verdict = checkOutboundUrl(url, this.allowance);
    return verdict.ok ? null : verdict.reason;
  }

  /** Set-time check: a refused URL is a 400 naming `field`. */
  assertAllowed(url: string, field: string): void {
    const reason = this.refusal(url);
    if (reason) throw new ValidationFailed([{ field, in: 'body', message: reason }]);
  }

  /** Calls `url` under the policy; throws OutboundRefused when the URL or its resolution is refused. */
  async fetch(raw: string, init: Omit<RequestInit, 'dispatcher'>): Promise<Response> {
    const verdict = checkOutboundUrl(raw, this.allowance);
    if (!verdict.ok) throw new OutboundRefused(`${redactUrl(raw)} refused: ${verdict.reason}`);
    const { url, authorization } = splitCredentials(verdict.url);
    const { undici, agent } = await this.undiciClient();
    const headers = new undici.Headers(init.headers);
    if (authorization && !headers.has('authorization')) headers.set('authorization', authorization);
    try {
      return await undici.fetch(url, { ...init, headers, dispatcher: agent });
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      throw cause instanceof OutboundRefused ? cause : err;
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.client) await (await this.client).agent.close();
  }

  /** net.connect's lookup: resolve, refuse if any address is refused, hand back the checked ones. */
  private lookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
    this.resolver(hostname).then(
      (addresses) => {
        const refused = addresses.map((a) => refusedAddress(a.address, this.allowance)).find(Boolean);
        if (refused) return callback(new OutboundRefused(`${hostname} refused: ${refused}${ALLOWANCE_HINT}`), []);
        const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
        const first = usable[0];
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: Error) => callback(err, []),
    );
  }
}
