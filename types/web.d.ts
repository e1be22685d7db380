// customerio-security/web: the webhook verifier on WebCrypto, for runtimes without native addons
// (Cloudflare Workers, Vercel Edge, Deno Deploy). Same inputs, results and reasons as the main
// entry's verifier, but async (WebCrypto is), and without dedupe.

import type { CustomerioEvent } from './events'
import type { PipelinesEvent, WebhookFailure, WebhookScheme } from '../index'

export type { CustomerioEvent, PipelinesEvent, WebhookFailure, WebhookScheme }

/** A webhook secret: text, bytes, or anything with `reveal()` (a SecretValue). */
export type WebSecret = string | Uint8Array | { reveal(): string }

export declare const WEBHOOK_FAILURES: readonly WebhookFailure[]

export declare class CustomerioSecurityTypeError extends TypeError {
  readonly code: string
}

export interface WebWebhookDelivery {
  body: Uint8Array | ArrayBuffer | string
  signature: string | string[] | null | undefined
  timestamp?: string | number | string[] | null | undefined
  secret: WebSecret | readonly WebSecret[]
  scheme?: WebhookScheme
  toleranceSeconds?: number
  now?: number
}

export type WebWebhookVerification =
  | { valid: true; secretIndex: number; timestamp: number | null }
  | { valid: false; reason: WebhookFailure }

export declare function verifyWebhook(input: WebWebhookDelivery): Promise<WebWebhookVerification>

export declare function signWebhook(
  body: Uint8Array | ArrayBuffer | string,
  secret: WebSecret,
  options: { timestamp?: number; scheme: 'pipelines' },
): Promise<{ 'x-signature': string }>
export declare function signWebhook(
  body: Uint8Array | ArrayBuffer | string,
  secret: WebSecret,
  options?: { timestamp?: number; scheme?: 'v0' | 'body' },
): Promise<Record<'x-cio-timestamp' | 'x-cio-signature', string>>

export interface WebWebhookOptions {
  secret: WebSecret | readonly WebSecret[] | (() => WebSecret | readonly WebSecret[]) | undefined
  scheme?: WebhookScheme
  toleranceSeconds?: number
  /** Largest body in bytes (default 5 MiB); above it 413. */
  limit?: number
  onInvalid?(reason: WebhookFailure, request: Request): unknown
}

export interface WebWebhookInfo {
  secretIndex: number
  timestamp: number | null
  /** `scheme: 'pipelines'` only: the batch's events. */
  events?: PipelinesEvent[]
}

export type WebVerifiedRequest =
  | { ok: true; event: CustomerioEvent; rawBody: Uint8Array; webhook: WebWebhookInfo }
  | { ok: false; response: Response }

export declare function verifyWebhookRequest(request: Request, options: WebWebhookOptions): Promise<WebVerifiedRequest>

export declare function customerioFetchHandler(
  options: WebWebhookOptions,
  onEvent: (
    event: CustomerioEvent,
    context: { rawBody: Uint8Array; webhook: WebWebhookInfo; request: Request },
  ) => unknown,
): (request: Request) => Promise<Response>
