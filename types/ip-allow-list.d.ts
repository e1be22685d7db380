// The IP allow-list for requests Customer.io sends without a signature users can check
// (Journeys webhook actions). Re-exported from index.d.ts.

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'

import type { CustomerioRegion, SecretValue } from '../index'

/** Customer.io's published source addresses for webhooks, per region, with where and when they were read. */
export declare const CUSTOMERIO_IP_ADDRESSES: {
  readonly source: string
  /** `YYYY-MM` */
  readonly retrieved: string
  readonly us: readonly string[]
  readonly eu: readonly string[]
}

export interface IpAllowListOptions {
  /** The regions whose addresses are allowed. Default both; name your account's region. */
  regions?: readonly CustomerioRegion[]
  /**
   * How the client address is found. `false` (default): the socket's peer; X-Forwarded-For is
   * ignored. A number n: n proxies in front of the app, each appending to X-Forwarded-For.
   * A list of proxy addresses or CIDR ranges: the right-most address that is not one of them.
   */
  trustProxy?: false | number | readonly string[]
  /** More addresses or CIDR ranges to allow (your own senders, tests). */
  addresses?: readonly string[]
  /** Told of each refusal: the client address it found (null when none), and the request. */
  onRefused?: (clientAddress: string | null, request: unknown) => unknown
}

export interface RefreshIpAllowListOptions {
  appApiKey: string | SecretValue
  /** Default 'us'. */
  region?: CustomerioRegion
  /** Default the global fetch. */
  fetch?: typeof fetch
  /** Default 10000. */
  timeoutMs?: number
  /** Default the region's App API (`https://api.customer.io/v1`, `https://api-eu.customer.io/v1`). */
  baseUrl?: string
}

export interface IpAllowListRefresh {
  region: CustomerioRegion
  addresses: string[]
  /** ISO 8601 */
  fetchedAt: string
}

export type IpAllowListRefreshResult = {
  [region in CustomerioRegion]?: { ok: true; count: number } | { ok: false; code: string }
}

/** The guard. Called as a function it is Express/connect middleware (403 `{ error: 'IP_NOT_ALLOWED' }`). */
export interface CustomerioIpAllowList {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void
  /** node:http: true when the request may go on; otherwise it has been answered 403. */
  node(req: IncomingMessage, res: ServerResponse): boolean
  /** A Fastify `onRequest` hook. */
  fastify(
    request: { raw: IncomingMessage; headers: IncomingHttpHeaders },
    reply: { code(statusCode: number): { send(payload?: unknown): unknown } },
  ): Promise<void>
  /** A Web `Request` with the peer address its runtime gives: `null` to go on, else a 403 `Response`. */
  fetch(request: Request, clientAddress: string | null | undefined): Response | null
  /** Whether `address` (any spelling, IPv4-mapped IPv6 included) is allowed. */
  allows(address: string): boolean
  /** The allowed addresses now. */
  readonly addresses: string[]
  /** Replaces one region's list; a bad or empty list throws and changes nothing. */
  update(region: CustomerioRegion, addresses: readonly string[]): void
  /** Fetches each region's live list; a region that fails keeps its last good list. Never rejects for a failed fetch. */
  refresh(options: Omit<RefreshIpAllowListOptions, 'region'>): Promise<IpAllowListRefreshResult>
}

export declare function customerioIpAllowList(options?: IpAllowListOptions): CustomerioIpAllowList

/** One region's live list from the App API; rejects with ERR_RATE_LIMITED, ERR_REFRESH_FAILED or ERR_INVALID_RESPONSE. */
export declare function refreshIpAllowList(options: RefreshIpAllowListOptions): Promise<IpAllowListRefresh>
