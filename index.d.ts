// Public typings of customerio-security. Hand-written on top of the generated binding.d.ts
// (which types the internal native calls); __test__/package/typings.test.mjs compiles a strict
// consumer against this file.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CustomerioEvent } from './types/events'
import type { RedactEventOptions, RedactedEvent } from './types/redact-event'

export type {
  CustomerioEvent,
  CustomerioEventObjectType,
  CustomerioEventMetric,
} from './types/events'
export type * as events from './types/events'
export {
  CUSTOMERIO_IP_ADDRESSES,
  customerioIpAllowList,
  refreshIpAllowList,
} from './types/ip-allow-list'
export { createEventRedactor, redactEvent } from './types/redact-event'
export type { RedactEventOptions, RedactedEvent } from './types/redact-event'
export type {
  CustomerioIpAllowList,
  IpAllowListOptions,
  IpAllowListRefresh,
  IpAllowListRefreshResult,
  RefreshIpAllowListOptions,
} from './types/ip-allow-list'
export * from './types/sanitize-bulk'
export * from './types/dsr'
import type { AppApiClient } from './types/dsr'

/**
 * A secret, pepper or key: text, bytes, or a {@link SecretValue} as {@link loadCredentials}
 * returns it (no `.reveal()` needed). For webhooks, the signing key shown on the reporting
 * webhook's page.
 */
export type Secret = string | Buffer | Uint8Array | SecretValue

/** Why a delivery was refused. */
export type WebhookFailure =
  | 'MISSING_SIGNATURE'
  | 'MISSING_TIMESTAMP'
  | 'MALFORMED_SIGNATURE'
  | 'MALFORMED_TIMESTAMP'
  | 'TIMESTAMP_TOO_OLD'
  | 'TIMESTAMP_TOO_NEW'
  | 'SIGNATURE_MISMATCH'

/** Every {@link WebhookFailure}, in a stable order. */
export declare const WEBHOOK_FAILURES: readonly WebhookFailure[]

/**
 * What the sender signed.
 * - `'v0'` (default): Customer.io reporting webhooks, HMAC-SHA256 over `v0:<timestamp>:<body>`.
 * - `'body'`: the body alone (e.g. webhook actions signed with Liquid's `hmac_sha256`). The
 *   timestamp is then not signed, so it is neither required nor checked.
 * - `'pipelines'`: the Data Pipelines webhook destination, HMAC-SHA1 of the body as 40 hex
 *   characters in `X-Signature` (pass it as `signature`). No timestamp is signed: a captured
 *   request stays valid, so de-duplicate by each event's `messageId`.
 */
export type WebhookScheme = 'v0' | 'body' | 'pipelines'

/** A header as Node gives it: a string, an array when it was sent twice, or absent. */
export type HeaderValue = string | string[] | null | undefined

export interface WebhookDelivery {
  /** The raw body, exactly as received. A parsed object throws `ERR_BODY_NOT_RAW`. */
  body: Buffer | Uint8Array | string
  /** `X-CIO-Signature`: 64 hex characters. */
  signature: HeaderValue
  /** `X-CIO-Timestamp`: unix seconds. */
  timestamp: string | number | string[] | null | undefined
  /** Unix seconds to check the timestamp against. Default: the system clock. */
  now?: number
}

export interface WebhookVerifyOptions {
  /**
   * How far the timestamp may be from `now`, in seconds, in either direction. Default 300.
   * `0` means exactly `now`; `Infinity` turns the check off (there is no other way to).
   */
  toleranceSeconds?: number
  /** Default `'v0'`. */
  scheme?: WebhookScheme
}

export interface VerifyWebhookInput extends WebhookDelivery, WebhookVerifyOptions {
  /**
   * The signing key, or several while a key rotates (each is tried in order). `undefined` (an
   * unset environment variable) throws `ERR_MISSING_SECRET`.
   */
  secret: Secret | readonly Secret[] | undefined
}

export interface WebhookValid {
  valid: true
  /** Which secret matched (its index in the list; 0 for a single secret). */
  secretIndex: number
  /** The signed timestamp, unix seconds. */
  timestamp: number
}

/** A delivery verified under `scheme: 'body'`, which signs no timestamp. */
export interface WebhookValidBodyScheme {
  valid: true
  secretIndex: number
  timestamp: null
}

export interface WebhookInvalid {
  valid: false
  reason: WebhookFailure
}

export type WebhookVerification = WebhookValid | WebhookInvalid

/**
 * Verifies one delivery. Anything the sender controls (headers of any type or length, any
 * body bytes) gives a result, never an exception. Misuse throws a
 * {@link CustomerioSecurityTypeError}: `ERR_MISSING_SECRET`, `ERR_EMPTY_SECRET`,
 * `ERR_INVALID_SECRET`, `ERR_SECRET_WHITESPACE`, `ERR_BODY_NOT_RAW`, `ERR_INVALID_BODY`,
 * `ERR_INVALID_TOLERANCE`, `ERR_INVALID_NOW`, `ERR_INVALID_SCHEME`, `ERR_INVALID_ARGUMENT`.
 */
export declare function verifyWebhook(
  input: VerifyWebhookInput & { scheme: 'body' },
): WebhookValidBodyScheme | WebhookInvalid
export declare function verifyWebhook(input: VerifyWebhookInput & { scheme?: 'v0' }): WebhookVerification
export declare function verifyWebhook(input: VerifyWebhookInput): WebhookVerification | WebhookValidBodyScheme

export interface SignWebhookOptions {
  /** Unix seconds. Default: now. */
  timestamp?: number
  /** Default `'v0'`. */
  scheme?: WebhookScheme
}

/** A plain `Record<string, string>`: spread it into headers, or pass it as `HeadersInit`. */
export type CustomerioWebhookHeaders = {
  'x-cio-timestamp': string
  'x-cio-signature': string
}

/** The header the Data Pipelines webhook destination would send with `body`: for testing a receiver. */
export declare function signWebhook(
  body: Buffer | Uint8Array | string,
  secret: Secret,
  options: SignWebhookOptions & { scheme: 'pipelines' },
): { 'x-signature': string }
/** The headers Customer.io would send with `body`: for testing a receiver. */
export declare function signWebhook(
  body: Buffer | Uint8Array | string,
  secret: Secret,
  options?: SignWebhookOptions,
): CustomerioWebhookHeaders

/** The secrets, or a function returning the current ones (called per request; re-keys only on change). */
export type SecretSource = Secret | readonly Secret[] | (() => Secret | readonly Secret[])

export interface WebhookVerifierOptions extends WebhookVerifyOptions {
  /**
   * The signing key(s): `credentials.webhookSecrets` from {@link loadCredentials}, a string, or a
   * function returning the current ones. `undefined` (an unset environment variable) throws
   * `ERR_MISSING_SECRET` when the verifier or middleware is built, never on the first event.
   */
  secret: SecretSource | undefined
}

/** A verifier configured once, each secret's HMAC keyed up front. Inspecting it shows no secret. */
export declare class WebhookVerifier {
  constructor(options: WebhookVerifierOptions)
  verify(input: WebhookDelivery): WebhookVerification | WebhookValidBodyScheme
  toJSON(): { secrets: '[REDACTED]' }
}

/**
 * What every webhook adapter takes; `Req` is what that framework calls a request (Express's and
 * node:http's `IncomingMessage`, Fastify's request, a Web `Request`). Callbacks are declared as
 * methods so that an app may annotate their request with its framework's full type.
 */
export interface WebhookReceiverOptions<Req> extends WebhookVerifierOptions {
  /** Largest body: bytes, or a string such as `'5mb'`. Default `'5mb'`; above it 413. */
  limit?: number | string
  /**
   * Called before the 401 for each POST that fails verification, for logs and metrics. Never for
   * other methods: those are answered 405 before anything is verified.
   */
  onInvalid?(reason: WebhookFailure, request: Req): void
  /**
   * De-duplication: a delivery whose `event_id` (or, for a body without one, whose signature) was
   * already accepted is answered 200 `{ duplicate: true }` and not passed on. `true`: an in-memory
   * store (one instance); several instances share a {@link redisDedupeStore}. Default: off.
   * Its `ttlSeconds` must be at least twice `toleranceSeconds` (throws `ERR_INVALID_DEDUPE`).
   */
  dedupe?: boolean | DedupeStore
  /**
   * When the store cannot be asked before the handler runs: `'reject'` (default) answers 503
   * `{ error: 'DEDUPE_UNAVAILABLE' }`, which Customer.io retries; `'accept'` passes the delivery
   * on without de-duplication. Either way the failure goes to `onDedupeError`.
   */
  onStoreError?: 'reject' | 'accept'
  /**
   * Called for each copy refused: `'done'` (answered 200 `{ duplicate: true }`) or `'in-progress'`
   * (another copy is being handled: answered 503 `DELIVERY_IN_PROGRESS`, so it is retried).
   */
  onDuplicate?(key: string, request: Req, state: 'done' | 'in-progress'): void
  /**
   * Called for each store failure, at `'claim'`, `'read'`, `'commit'`, `'release'` or `'renew'`
   * (also when a renewal finds the claim gone, or a handler outlives `maxHandlerSeconds`). Without
   * it a process warning with code `CUSTOMERIO_DEDUPE_STORE` is emitted: a failure is never silent.
   */
  onDedupeError?(error: unknown, phase: DedupePhase, request: Req): void
  /**
   * While a handler runs, its claim is renewed every third of the store's lease, so a copy that
   * arrives meanwhile is refused 503 (retried) and never runs beside it. After this many seconds
   * renewal stops and the claim expires with its lease (reported at `'renew'`). Default 600.
   */
  maxHandlerSeconds?: number
  /**
   * A redacted copy of each verified event on `webhook.redacted` ({@link redactEvent}): `true`
   * (identifiers dropped) or its options (`{ pepper }` to pseudonymize them). Default off.
   */
  redact?: boolean | RedactEventOptions
}

/** The Express middleware's options. */
export interface CustomerioWebhookOptions extends WebhookReceiverOptions<IncomingMessage> {}

/**
 * What the middleware leaves on a verified request: annotate a handler's request with it,
 * `(req: CustomerioWebhookRequest, res) => ...`, or rely on Express's `Request`, which this
 * package's typings extend with the same fields.
 */
export interface CustomerioWebhookRequest extends IncomingMessage {
  customerioEvent: CustomerioEvent
  rawBody: Buffer
  customerioWebhook: CustomerioWebhookInfo
}

/**
 * A body parser's `verify` hook that keeps the raw bytes for `customerioWebhook()` on routes
 * where a JSON parser runs first: `app.use(express.json({ verify: keepRawBody }))`. Sets
 * `req.rawBody = buf`.
 */
export declare function keepRawBody(req: IncomingMessage, res: ServerResponse, buf: Buffer): void

/**
 * Express (4 and 5) middleware. Finds the raw body (`req.rawBody`, a Buffer from
 * `express.raw()`, or the unread stream up to `limit`), verifies it, and on success sets
 * `req.customerioEvent` and `req.rawBody` and calls `next()`. Answers 401 `{ error: reason }`
 * when verification fails, 400 `INVALID_JSON` for a verified body that is not JSON, 400 `INVALID_EVENT` for JSON that is not an object, 413
 * `PAYLOAD_TOO_LARGE`, and 500 `BODY_NOT_RAW` when only a parsed object is left.
 *
 * Any method but POST (HEAD and OPTIONS included) is answered 405 `{ error: 'METHOD_NOT_ALLOWED' }`
 * with `Allow: POST`, its body unread, without `onInvalid`, `onDuplicate` or the dedupe store.
 * Mounted with `app.post(path, ...)` it only sees POSTs (Express answers the rest itself); mount
 * it with `app.use(path, ...)` or `app.all(path, ...)` for the 405.
 */
export declare function customerioWebhook(
  options: CustomerioWebhookOptions,
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void

// ---------------------------------------------------------------------------------------------
// Webhook de-duplication

/** Where a store failure happened. */
export type DedupePhase = 'claim' | 'read' | 'commit' | 'release' | 'renew'

/**
 * Where accepted deliveries are remembered (`dedupe`). Implement it for another database:
 * `claim` must be atomic, and every method must reject, never resolve, when the database cannot
 * answer. Keys are short strings (`event:<event_id>`, or `signature:<hex>` for a body without an
 * event_id); a token is random per delivery.
 *
 * A delivery is claimed before its handler runs (in progress, for the store's lease, renewed
 * while the handler runs), then committed as done when the handler answers 2xx, or released when
 * it answers anything else, so Customer.io's retry of a failure is let through. The handler's own
 * answer is the verdict, also when the client has gone by then; a handler that never answers
 * leaves the claim to expire with its lease.
 */
export interface DedupeStore {
  /** Seconds a committed key is kept. */
  readonly ttlSeconds: number
  /** Atomically: if `key` is absent, hold it for `token` (in progress) and resolve `true`; else `false`. */
  claim(key: string, token: string): Promise<boolean>
  /** The app answered 2xx: keep `key` as done for `ttlSeconds`. */
  commit(key: string, token: string): Promise<void>
  /** The app failed or never answered: delete `key` if it is still `token`'s claim. */
  release(key: string, token: string): Promise<void>
  /** After a refused claim: whether `key` is done (200 duplicate) rather than in progress (503). */
  isDone(key: string): Promise<boolean>
  /**
   * Optional: extend `token`'s claim on `key` by the lease; `false` if it is no longer `token`'s.
   * Without it claims are not renewed, and a handler longer than the lease may run twice.
   */
  renew?(key: string, token: string): Promise<boolean>
  /** Seconds a claim is held; background retries of a failed store call stop after it. Default 60. */
  readonly leaseSeconds?: number
}

export interface DedupeStoreOptions {
  /** Seconds a handled event is remembered. Default 86400 (a day). */
  ttlSeconds?: number
  /**
   * Seconds a delivery stays "in progress" if its handler never finishes (the process died); a
   * retry after that is accepted. Default 60; at most `ttlSeconds`.
   */
  leaseSeconds?: number
}

export interface MemoryDedupeStoreOptions extends DedupeStoreOptions {
  /** Most keys kept; past it the oldest are evicted first. Default 100000 (about 19 MB). */
  max?: number
  /** The clock, in milliseconds. Default `Date.now` (pin it in tests). */
  now?: () => number
}

export interface MemoryDedupeStore extends DedupeStore {
  readonly leaseSeconds: number
  renew(key: string, token: string): Promise<boolean>
  /** Keys held now (done and in progress). */
  readonly size: number
}

/** A bounded in-memory store, for a single instance (`dedupe: true` uses one with the defaults). */
export declare function memoryDedupeStore(options?: MemoryDedupeStoreOptions): MemoryDedupeStore

export interface RedisDedupeStoreOptions extends DedupeStoreOptions {
  /** Prepended to every key. Default `'customerio-security:dedupe:'`. */
  prefix?: string
  /** A command not answered within this many milliseconds counts as a store failure. Default 1000. */
  timeoutMs?: number
  /**
   * When the server persists nothing (`CONFIG GET appendonly` is `no` and `save` is empty), a
   * process warning with code `CUSTOMERIO_DEDUPE_NOT_PERSISTENT` is emitted once. `false` silences it.
   */
  warnWithoutPersistence?: boolean
}

/** A connected node-redis v4/v5 client or cluster (`createClient()`), as far as the store uses it. */
export interface NodeRedisDedupeClient {
  readonly isReady: boolean
  set: (...args: never[]) => unknown
  get: (...args: never[]) => unknown
  eval: (...args: never[]) => unknown
}

/** A connected ioredis client, as far as the store uses it. */
export interface IoRedisDedupeClient {
  readonly status: string
  set: (...args: never[]) => unknown
  get: (...args: never[]) => unknown
  eval: (...args: never[]) => unknown
}

export interface RedisDedupeStore extends DedupeStore {
  readonly leaseSeconds: number
  renew(key: string, token: string): Promise<boolean>
  /**
   * What the server persists, read once with CONFIG GET when the store is built: `{ aof, rdb }`,
   * or `null` when the server does not say (managed Redis often forbids CONFIG).
   */
  persistence(): Promise<{ aof: boolean; rdb: boolean } | null>
}

/**
 * A store shared by several instances through your connected Redis client: the claim is one
 * `SET key value NX PX lease`, so of two instances racing on one event exactly one goes on.
 * While the client is not ready (not connected, or reconnecting) or a command fails or times out,
 * its methods reject with a {@link CustomerioSecurityError} `ERR_DEDUPE_UNAVAILABLE`. Attach an
 * `'error'` listener to the client: node-redis emits one per failed reconnect.
 * Throws `ERR_INVALID_ARGUMENT` for anything but such a client, `ERR_INVALID_DEDUPE` for bad options.
 */
export declare function redisDedupeStore(
  client: NodeRedisDedupeClient | IoRedisDedupeClient,
  options?: RedisDedupeStoreOptions,
): RedisDedupeStore

// ---------------------------------------------------------------------------------------------
// Webhooks in other frameworks (lib/webhook/fastify.js, node-http.js, fetch.js). Structural
// types only: nothing here imports 'fastify', so consumers without it still compile.

/** Which secret matched and the signed timestamp (`null` under `scheme: 'body'` and `'pipelines'`). */
export interface CustomerioWebhookInfo {
  secretIndex: number
  timestamp: number | null
  /**
   * `scheme: 'pipelines'` only: the batch's events to handle, in order (a JSON array body, a
   * `{ batch }` object, or one event). With `dedupe`, only those not handled before.
   */
  events?: PipelinesEvent[]
  /** With the `redact` option: the event (or batch) as {@link redactEvent} gives it, for logs and queues. */
  redacted?: RedactedEvent | RedactedEvent[]
}

/** A Segment-spec event as the Data Pipelines webhook destination sends it. */
export interface PipelinesEvent {
  type: 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias' | (string & {})
  /** The event's unique id: what per-event de-duplication is keyed on. */
  messageId?: string
  userId?: string | null
  anonymousId?: string | null
  timestamp?: string
  event?: string
  name?: string
  traits?: Record<string, unknown>
  properties?: Record<string, unknown>
  context?: Record<string, unknown>
  [field: string]: unknown
}

/** The parts of a Fastify request the plugin reads; Fastify's own `FastifyRequest` has them all. */
export interface CustomerioFastifyRequest {
  readonly raw: IncomingMessage
  readonly url: string
  readonly method: string
  /** The exact bytes (the plugin's parser keeps them raw on its route). */
  body: unknown
}

/** What the plugin sets on a verified request before your handler runs. */
export interface CustomerioFastifyVerified {
  customerioEvent: CustomerioEvent
  rawBody: Buffer
  customerioWebhook: CustomerioWebhookInfo
}

/** The parts of a Fastify reply a handler most often uses; annotate with `FastifyReply` for all. */
export interface CustomerioFastifyReply {
  code(statusCode: number): this
  header(key: string, value: unknown): this
  send(payload?: unknown): this
}

export interface CustomerioFastifyOptions extends WebhookReceiverOptions<CustomerioFastifyRequest> {
  /** The route, inside the register `prefix` if any. Default `'/webhooks/customerio'`. */
  path?: string
  /**
   * The route's handler, called only for verified deliveries; what it returns or sends is the
   * answer, and what it throws goes to the app's error handler. For Fastify's full types,
   * annotate: `handler(request: FastifyRequest & CustomerioFastifyVerified, reply: FastifyReply)`.
   */
  handler(request: CustomerioFastifyRequest & CustomerioFastifyVerified, reply: CustomerioFastifyReply): unknown
}

/**
 * Fastify (4 and 5) plugin: `app.register(customerioFastify, { secret, path, handler })` adds
 * one POST route in its own encapsulated context, whose body parser keeps the raw bytes for
 * every content type and enforces `limit`; the app's other routes keep their parsers. Answers
 * 401 `{ error: reason }`, 400 `INVALID_JSON` and 413 `PAYLOAD_TOO_LARGE` itself. On the same
 * path, every other method (HEAD and OPTIONS included) is answered 405 `{ error:
 * 'METHOD_NOT_ALLOWED' }` with `Allow: POST` before its body is read, unless the app already
 * routes that method there. Misuse (no secret, no handler) rejects `app.ready()` / `app.listen()`.
 */
export declare function customerioFastify(instance: unknown, options: CustomerioFastifyOptions): Promise<void>

export interface CustomerioNodeHandlerOptions extends CustomerioWebhookOptions {
  /**
   * Told about every error that turned into a 500 (onEvent failing, a secret provider failing).
   * Default: `console.error`. The client only ever gets `{"error":"INTERNAL_ERROR"}`.
   */
  onError?: (error: unknown, req: IncomingMessage) => void
}

export interface CustomerioNodeHandlerContext {
  rawBody: Buffer
  webhook: CustomerioWebhookInfo
  req: IncomingMessage
  res: ServerResponse
}

/**
 * A request listener for `http.createServer`: reads the body (up to `limit`), answers refusals
 * itself (401, 400, 413 as JSON; any method but POST 405 with `Allow: POST`, its body unread),
 * and calls `onEvent` for verified deliveries. Answers 200 `{"ok":true}` once `onEvent`
 * settles, unless it answered itself; if it throws or rejects, 500 `{"error":"INTERNAL_ERROR"}`
 * and `onError`. The returned promise never rejects.
 */
export declare function customerioNodeHandler(
  options: CustomerioNodeHandlerOptions,
  onEvent: (event: CustomerioEvent, context: CustomerioNodeHandlerContext) => unknown,
): (req: IncomingMessage, res: ServerResponse) => Promise<void>

export type WebhookRequestOptions = WebhookReceiverOptions<Request>

export interface WebhookRequestAccepted {
  ok: true
  event: CustomerioEvent
  rawBody: Buffer
  webhook: CustomerioWebhookInfo
  /**
   * With `dedupe`, report your answer's status once you have it: a 2xx marks the event done,
   * anything else lets Customer.io's retry through. Until then (or if never called, until the
   * claim's lease runs out) copies are answered 503. Without `dedupe` it does nothing. Never rejects.
   */
  complete(status: number): Promise<void>
}

export interface WebhookRequestRefused {
  ok: false
  /**
   * A JSON answer with the right status: return it. 401 `{ error: reason }`, 400 `INVALID_JSON`,
   * 413 `PAYLOAD_TOO_LARGE`, 500 `BODY_NOT_RAW`; with `dedupe`, 200 `{ duplicate: true }` or 503;
   * and 405 `{ error: 'METHOD_NOT_ALLOWED' }` with `Allow: POST` (no body for HEAD) for any method
   * but POST, decided before the body is read or any callback is called.
   */
  response: Response
}

/**
 * Verifies a Web `Request` (Next.js route handlers, Hono's `c.req.raw`): refuses any method but
 * POST with 405 and `Allow: POST` without reading the body, rejects a declared Content-Length
 * over `limit` before reading, reads at most `limit` bytes otherwise, and never re-reads a body
 * already consumed (500 `BODY_NOT_RAW`). The receiver is built once per options
 * object (read once: later changes to it are not seen): declare the options at module scope.
 * Rejects only for misuse (a coded `CustomerioSecurityTypeError`) or a failing secret provider
 * or `onInvalid`.
 */
export declare function verifyWebhookRequest(
  request: Request,
  options: WebhookRequestOptions,
): Promise<WebhookRequestAccepted | WebhookRequestRefused>

export interface WebhookRequestContext {
  rawBody: Buffer
  webhook: CustomerioWebhookInfo
  request: Request
}

/**
 * A `(request) => Promise<Response>` route handler: refusals answered as by
 * `verifyWebhookRequest`, `onEvent` called for verified deliveries; its Response is the answer,
 * or 200 `{"ok":true}` if it returns none. What it throws propagates to the framework. Reports
 * the answer to `dedupe` itself.
 */
export declare function customerioFetchHandler(
  options: WebhookRequestOptions,
  onEvent: (event: CustomerioEvent, context: WebhookRequestContext) => unknown,
): (request: Request) => Promise<Response>

// ---------------------------------------------------------------------------------------------
// PII sanitization

/**
 * What a rule does to a field.
 * - `'drop'`: removed. `'keep'`: passed as it is (value detectors skipped: use it for ids).
 * - `'hash'`: replaced by `<key>_hash` = SHA-256 hex (16 chars unless `length` says; unkeyed
 *   digests of phones are reversible by enumeration: prefer `'hmac'`).
 * - `'hmac'`: `<key>_hash` = `<keyId>:<HMAC-SHA256 hex>` under the policy's `pepper`.
 * - `'mask'`: stars all but the last `keepLast` (default 4) characters.
 * - `'e164'`: kept raw only if a valid E.164 phone (`+15550123456`), else dropped.
 * - `'email-match'`, `'phone-match-google'`, `'phone-match-meta'`: `<key>_hash` = full SHA-256
 *   of the ad-platform normalized form (trimmed lowercase email; `+E.164`; E.164 digits).
 */
export type FieldAction =
  | 'drop'
  | 'keep'
  | 'hash'
  | 'hmac'
  | 'mask'
  | 'e164'
  | 'email-match'
  | 'phone-match-google'
  | 'phone-match-meta'
  | { action: 'hash'; length?: number }
  | { action: 'hmac'; length?: number }
  | { action: 'mask'; keepLast?: number }

export type DetectorAction = 'redact' | 'drop' | 'off'

/** The sensitive classes of attribute names the default policy knows. */
export type SensitiveClass =
  | 'credential'
  | 'payment_card'
  | 'government_id'
  | 'bank_account'
  | 'phone'
  | 'ip_address'
  | 'street_address'

/**
 * Every sensitive class and what the default policy does with a name of it: `'drop'` (never
 * sent) or `'hash'` (replaced by `<name>_hash`). A name belongs to a class by its last words, in
 * any spelling: `password_confirmation`, `CUSTOMERSSN`, `home_phone`, `address_line1`.
 */
export declare const SENSITIVE_CLASSES: ReadonlyArray<{ readonly id: SensitiveClass; readonly action: 'drop' | 'hash' }>

export interface SanitizerPolicy {
  /**
   * `'default'`: the guide's rules, leak-proof. `'customerio'`: the same, but `id`, `email`,
   * `cio_id` and `created_at` are always kept raw, and `phone` too (validated E.164) when `sms`.
   */
  preset?: 'default' | 'customerio'
  /** With the `'customerio'` preset: keep `phone` raw (E.164 only), as SMS sends need it. */
  sms?: boolean
  /**
   * Rules added to, or replacing, the preset's. A class id (`'phone'`, `'credential'`, see
   * {@link SENSITIVE_CLASSES}) sets the action of every name in that class; any other name is a
   * rule for that name as a whole, matched in any spelling (`phoneNumber`, `Phone-Number`).
   */
  fields?: Record<string, FieldAction>
  /**
   * Rules taken away. A class id removes the whole class (`'ip_address'`: no name is an IP
   * address any more); any other name frees that name only (`'ssn'` lets `ssn` pass, not
   * `user_ssn`). Freed fields still go through the value detectors.
   */
  remove?: string[]
  /**
   * Allow-list mode: only these names (and names with a rule or a class) pass; everything else is
   * dropped and reported `not_allowed`. Allowed names still go through the value detectors (a
   * `fields: { name: 'keep' }` rule skips them), and a name of a sensitive class keeps its class.
   */
  allow?: string[]
  /** How the preset's personal fields are hashed. Default `{ algorithm: 'sha256', length: 16 }`. */
  pseudonym?: 'sha256' | 'hmac' | { algorithm: 'sha256' | 'hmac'; length?: number }
  /** The secret key of `'hmac'` rules, and its id (written into each digest, so it can rotate). */
  pepper?: { key: Secret; keyId: string }
  /**
   * Value detectors run on every string (and number) not under a rule; `false` turns them all off,
   * an object sets each one (`'redact'` replaces the match by `[REDACTED:<name>]`, `'drop'` removes
   * the field or array element, `'off'`). On by default, `'redact'`:
   * - `cardNumber`: 13-19 digits passing Luhn, plain or grouped (4 first) by spaces, dashes, dots,
   *   `+` or `%20`, in any Unicode digits, spaces and dashes; numbers (and numeric strings) by
   *   their exact value in any spelling (`4.111111111111111E15`), always dropped.
   * - `usSsn`: `123-45-6789` or `123 45 6789` within the SSA's issued ranges (never bare 9 digits).
   * - `iban`: ISO 13616, mod-97 checked, compact or in groups of 4, any letter case (lowercase only
   *   for registry countries at their exact length).
   * - `jwt`: `header.payload.signature` (or a 5-part JWE) whose header decodes to JSON with `alg`.
   * - `privateKey`: a PEM `-----BEGIN … PRIVATE KEY-----` block through its END line (or to the
   *   end of the string when the END line is missing).
   * - `awsAccessKeyId`: `AKIA`/`ASIA` and 16 base32 characters.
   * - `bearerToken`: the token after `Bearer ` (any case), at least 20 characters; the word stays.
   *
   * Off by default (Customer.io needs `email` and `phone` attributes raw, and phone shapes in free
   * text also fit order numbers and dates): `email`, and `phone` (`+` and 8-15 digits, or North
   * American `(555) 012-3456` / `555-234-5678`).
   */
  detectors?:
    | boolean
    | {
        cardNumber?: DetectorAction
        usSsn?: DetectorAction
        iban?: DetectorAction
        jwt?: DetectorAction
        privateKey?: DetectorAction
        awsAccessKeyId?: DetectorAction
        bearerToken?: DetectorAction
        email?: DetectorAction
        phone?: DetectorAction
      }
  /** Customer.io limits (name 150 bytes, value 1000 bytes, 300 attributes): `'report'` (default), `'error'` or `'off'`. */
  limits?: 'report' | 'error' | 'off'
  /** Deeper input throws `ERR_MAX_DEPTH`. Default 64, at most 512. */
  maxDepth?: number
  /** Country code for phones written without one (`'1'`), for `'e164'` and the phone match keys. */
  defaultCountryCode?: string
}

/** One change the sanitizer made. Never holds a value. */
export interface SanitizeChange {
  /**
   * `billing.card_number`, `contacts[0].phone`. A key that carries personal data (an email, a
   * phone or card number...) is shown as `<redacted>`: `contacts.<redacted>.ssn`.
   */
  path: string
  action: 'dropped' | 'hashed' | 'masked' | 'redacted' | 'validated' | 'limit'
  /**
   * The class that matched the name (a {@link SensitiveClass}), a field rule's name,
   * `detector:<name>` (`detector:card_number`, `detector:jwt`, ...), `prototype_key`,
   * `not_allowed`, `not_a_scalar`, `unsupported_type`, `invalid_e164`, `invalid_phone`, or a
   * limit's name.
   */
  rule: string
}

export interface SanitizeReport {
  /** In document order, at most 10,000 (for JSON text, their paths also at most the input's size in all). */
  changes: SanitizeChange[]
  /** Changes made but not listed (past those caps). */
  omitted: number
}

/** A line `sanitizeNdjson` left out. */
export interface NdjsonLineError {
  /** 1-based. */
  line: number
  /** `ERR_INVALID_JSON`, `ERR_MAX_DEPTH`, `ERR_LIMIT_EXCEEDED`, ... */
  code: string
  /** Names the problem and the byte offset in the line, never its content. */
  message: string
}

/** What the sanitizer returns: JSON data only (plain objects, arrays, strings, numbers, booleans, null). */
export type SanitizedValue = string | number | boolean | null | SanitizedValue[] | { [key: string]: SanitizedValue }

/** Sanitized attributes: a plain object of JSON data, keys renamed where a rule hashed them (`phone_hash`). */
export type SanitizedAttributes = { [key: string]: SanitizedValue }

export interface Sanitizer {
  /**
   * A sanitized copy of `attrs` (never changed in place), made of plain objects, arrays and
   * scalars only: a Date becomes its ISO text, an object with `toJSON` what that returns, a boxed
   * primitive its primitive, each then sanitized. Throws a {@link CustomerioSecurityError}
   * (`ERR_CYCLE`, `ERR_MAX_DEPTH`, `ERR_READ_FAILED`, `ERR_LIMIT_EXCEEDED`, `ERR_MISSING_PEPPER`)
   * and returns nothing partial when the input cannot be sanitized safely.
   */
  sanitize<T extends object>(attrs: T): SanitizedAttributes
  sanitizeWithReport<T extends object>(attrs: T): { attributes: SanitizedAttributes; report: SanitizeReport }
  /** The same rules on JSON text, without building JS objects. A string in gives a string out, a Buffer a Buffer. */
  sanitizeJson(json: string): string
  sanitizeJson(json: Buffer | Uint8Array): Buffer
  /**
   * NDJSON (one JSON document per line, `\n` or `\r\n`) in one call: each line sanitized as by
   * `sanitizeJson`, blank lines skipped, output one record per line. A line that cannot be
   * sanitized is left out and listed in `errors` (its number and code, never its text).
   */
  sanitizeNdjson(ndjson: string): { ndjson: string; errors: NdjsonLineError[] }
  sanitizeNdjson(ndjson: Buffer | Uint8Array): { ndjson: Buffer; errors: NdjsonLineError[] }
  sanitizeJsonWithReport(json: string): { json: string; report: SanitizeReport }
  sanitizeJsonWithReport(json: Buffer | Uint8Array): { json: Buffer; report: SanitizeReport }
}

/** Compiles `policy` once (in Rust); throws `ERR_INVALID_POLICY` / `ERR_INVALID_PEPPER` naming the bad option. */
export declare function createSanitizer(policy?: SanitizerPolicy): Sanitizer

/** Sanitizes with the default policy. Takes any object: a plain object, an interface's value, a class instance. */
export declare function sanitizeAttributes<T extends object>(attrs: T): SanitizedAttributes

/** An input that cannot be processed safely. `code` is stable; the message never holds a value. */
export declare class CustomerioSecurityError extends Error {
  readonly code: string
}

// ---------------------------------------------------------------------------------------------
// Integrations

/**
 * Wraps a customerio-node `TrackClient` so that every payload carrying personal attributes is
 * sanitized before the client sends it:
 * - `identify(id, attributes)`: the attributes (`cio_relationships` keep their identifiers, their
 *   `relationship_attributes` are sanitized; `_update` and `_timestamp` pass).
 * - `track(id, event)`, `trackAnonymous(anonymousId, event)`: the event's `data`; `name`, `id`,
 *   `type`, `timestamp` and `anonymous_id` pass; any other field is sanitized as an attribute.
 * - `batch(operations)`, `entity(operation)`: each operation's `attributes`, `device.attributes` and
 *   `cio_relationships[].relationship_attributes`; `type`, `action`, `identifiers`, `name`, `id`,
 *   `timestamp`, `anonymous_id`, `primary` and `secondary` pass; other fields are sanitized.
 * - `addDevice(id, token, platform, data)`: the device attributes (`last_used` passes).
 * - `submitForm(formId, fields)`: the form fields.
 *
 * Identifiers (the customer id argument, `identifiers`) are never changed: Customer.io needs them
 * to find the person, so keep personal data out of ids.
 *
 * Fails closed: if a payload cannot be sanitized (`ERR_CYCLE`, `ERR_MAX_DEPTH`, `ERR_READ_FAILED`,
 * `ERR_LIMIT_EXCEEDED`, `ERR_INVALID_ATTRIBUTES`, ...), the call returns a promise rejected with that
 * coded error and nothing is sent. The client's own argument checks (`MissingParamError`) still
 * throw synchronously, and HTTP errors are the client's (`CustomerIORequestError`). The caller's
 * objects are never changed.
 *
 * The result is a Proxy over `client`: `instanceof TrackClient` holds, and every other member
 * (`suppress`, `destroy`, `mergeCustomers`, ...) is the client's own, run with the wrapper as `this`.
 *
 * @param client A customerio-node (v5) `TrackClient`.
 * @param policy A policy, a {@link Sanitizer} from {@link createSanitizer}, or omitted for the default policy.
 * @throws {CustomerioSecurityTypeError} `ERR_INVALID_CLIENT` when `client` is not a TrackClient;
 *   `ERR_INVALID_POLICY` / `ERR_INVALID_PEPPER` for a bad policy.
 */
export declare function secureTrackClient<T extends object>(client: T, policy?: SanitizerPolicy | Sanitizer): T

/**
 * A `before` plugin for `@customerio/cdp-analytics-node`: sanitizes `traits` (identify, group),
 * `properties` (track, page, screen) and `context.traits` (every event type) with the policy.
 * The event's objects are replaced by sanitized copies, never changed (the package keeps the
 * caller's `properties` and `context` by reference).
 */
export interface CustomerioCdpPlugin {
  readonly name: string
  /** `'before'`: the queue cancels an event whose `before` plugin throws, and runs it whatever the event's `integrations` say. */
  readonly type: 'before'
  /** This package's version. */
  readonly version: string
  isLoaded(): boolean
  load(): Promise<void>
  identify<C extends { event: object }>(ctx: C): C
  group<C extends { event: object }>(ctx: C): C
  track<C extends { event: object }>(ctx: C): C
  page<C extends { event: object }>(ctx: C): C
  screen<C extends { event: object }>(ctx: C): C
  alias<C extends { event: object }>(ctx: C): C
}

/**
 * Creates the sanitizing plugin: `await analytics.register(customerioCdpPlugin(policy))`.
 * Fails closed: an event that cannot be sanitized is cancelled and nothing is sent for it; its
 * callback, and the client's `'error'` event (`code: 'delivery_failure'`), get the coded error.
 * Register it after any plugin that adds personal data: `before` plugins run in the order they
 * were registered, and `enrichment` plugins run after them.
 *
 * @param policy A policy, a {@link Sanitizer} from {@link createSanitizer}, or omitted for the default policy.
 * @throws {CustomerioSecurityTypeError} `ERR_INVALID_POLICY` / `ERR_INVALID_PEPPER` for a bad policy.
 */
export declare function customerioCdpPlugin(policy?: SanitizerPolicy | Sanitizer): CustomerioCdpPlugin

// ---------------------------------------------------------------------------------------------
// Erasure audit log

/** The last record of an audit log. Store it elsewhere (`formatAuditHead`) to detect truncation. */
export interface AuditHead {
  seq: number
  /** The record's MAC, 64 hex. */
  mac: string
}

export interface AuditAction {
  /** `'suppress'`, `'destroy'`, `'batch-suppress'`, ... */
  action: string
  /** The HTTP status of the last attempt, or null when no answer came. */
  status: number | null
  attempts: number
  error?: string
}

export interface AuditRecordInput {
  requestId: string
  /** The identifier erased (id or email). Only its keyed hash is written: never the raw value. */
  subject: string
  /** `'gdpr'`, `'ccpa'`, ... */
  jurisdiction?: string
  receivedAt: Date | string | number
  /** Default: now. */
  completedAt?: Date | string | number
  actions: AuditAction[]
  /**
   * `done` / `failed`: an erasure or an export finished or gave up. `received`: a data subject
   * request arrived ({@link recordRequest}). `extended`: its deadline was extended with notice.
   */
  outcome: 'done' | 'failed' | 'received' | 'extended'
  /** Why it failed, or the basis for a denial. */
  reason?: string
  actor?: string
  policyVersion?: string
  /** The right exercised: a copy of the data, or erasure. Omitted: written without (read as an erasure). */
  kind?: 'access' | 'erasure'
  /** Whether the App API no longer found the person after an erasure (`verify`); written with `verifiedAt`. */
  verified?: boolean
  verifiedAt?: Date | string | number
}

/**
 * An open audit log: append-only JSON lines, each sealed with HMAC-SHA256 over the record and the
 * previous record's MAC. Inspecting it shows no key.
 */
export interface AuditLog {
  /** Appends one record, fsync'd; concurrent calls are written in call order, never interleaved. */
  append(record: AuditRecordInput): Promise<AuditHead>
  /** The keyed hash (64 hex) written as `subject` for an identifier: to find a person's records. */
  subjectHash(identifier: string): string
  head(): AuditHead | null
  /** Waits for pending appends, then closes the file. */
  close(): Promise<void>
}

/**
 * Opens (creating it if needed) an audit log. An existing log must verify (else
 * `ERR_AUDIT_LOG_INVALID`); a last line cut off by a crash mid-append (never acknowledged) is dropped.
 * Throws `ERR_MISSING_AUDIT_KEY`, `ERR_INVALID_KEY_ID`, `ERR_INVALID_PATH`.
 */
export declare function openAuditLog(path: string, options: { key: Secret; keyId?: string }): AuditLog

export type AuditProblem =
  | 'MALFORMED'
  | 'BAD_MAC'
  | 'OUT_OF_SEQUENCE'
  | 'INCOMPLETE_LAST_LINE'
  | 'TRUNCATED'
  | 'HEAD_MISMATCH'

export interface AuditVerification {
  valid: boolean
  /** Records that verified before the first problem. */
  records: number
  head: AuditHead | null
  /** The 1-based line of the first bad record (for TRUNCATED / HEAD_MISMATCH, the saved head's line). */
  firstBadRecord?: number
  /**
   * `BAD_MAC`: edited, or forged without the key. `OUT_OF_SEQUENCE`: records deleted or reordered.
   * `TRUNCATED`: fewer records than `expectedHead`. `HEAD_MISMATCH`: rewritten since the head was saved.
   */
  reason?: AuditProblem
}

/** Verifies a whole audit log; with `expectedHead` (saved elsewhere) it also detects truncation. */
export declare function verifyAuditLog(
  path: string,
  options: { key: Secret; expectedHead?: AuditHead | string },
): AuditVerification

/** `seq:mac`, the text form of a head to store elsewhere. */
export declare function formatAuditHead(head: AuditHead): string

// ---------------------------------------------------------------------------------------------
// Erasure (GDPR/CCPA)

/** What one erasure does. */
export type ErasureMode = 'suppress' | 'destroy' | 'suppress-and-destroy'
/** Every {@link ErasureMode}. */
export declare const ERASURE_MODES: readonly ErasureMode[]
/** Customer.io's identifier limit: 150 bytes (UTF-8). */
export declare const MAX_ID_BYTES: 150

/** The calls erasure makes: a customerio-node 5 `TrackClient` (or anything with these methods). */
export interface ErasureClient {
  suppress?(id: string): Promise<unknown>
  destroy?(id: string): Promise<unknown>
  batch?(operations: object[]): Promise<unknown>
}

export interface ErasureRetryOptions {
  /** Calls per action for 429, 408, 5xx and network errors; other 4xx fail at once. Default 5 (1-100). */
  maxAttempts?: number
  /** Full-jitter backoff: a random wait in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))). Defaults 250 and 20000. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** A `Retry-After` (seconds or HTTP date) is obeyed up to this. Default 300000. */
  maxRetryAfterMs?: number
}

export interface ErasureAuditMetadata {
  /** `'gdpr'`, `'ccpa'`, ... written into each audit record. */
  jurisdiction?: string
  actor?: string
  policyVersion?: string
}

export interface ErasePersonOptions extends ErasureRetryOptions, ErasureAuditMetadata {
  /** Default `'suppress'`: deletes the person and blocks the id from coming back. */
  mode?: ErasureMode
  /** When given, the outcome is appended (subject = the id, written as its keyed hash). */
  audit?: AuditLog
  /** The erasure request's id for the audit record. Default: a random UUID. */
  requestId?: string
  /** When the request was received. Default: now. */
  receivedAt?: Date | string | number
  /**
   * Prove the erasure: afterwards, ask the App API whether the person can still be found; the
   * answer goes in the result and the audit record. Still found after `waitMs`: a failure.
   */
  verify?: ErasureVerifyOptions
}

export interface ErasureVerifyOptions {
  /** A customerio-node 5 `APIClient` (App API key), built with `retry: { maxRetries: 0 }`. */
  client: AppApiClient
  /** How long the person may still be found (Customer.io deletes asynchronously). Default 60000. */
  waitMs?: number
  /** Time between two lookups while still found. Default 5000. */
  intervalMs?: number
  /** How the id is looked up (`id_type`). Default `'id'` (eraseMany: its `identifierType`). */
  idType?: 'id' | 'email' | 'cio_id'
  /** Lookups per second. Default 8 (the App API allows 10). */
  ratePerSecond?: number
  /** Tries per lookup on 429/408/5xx/network errors. Default 5. */
  maxAttempts?: number
}

export interface ErasureAction {
  /** `'suppress'`, `'destroy'`, or with the batch API `'batch-suppress'`, `'batch-delete'`. */
  action: string
  /** The last attempt's HTTP status (200 for any 2xx: customerio-node hides it; 207 for a batch with item errors), or null when no answer came. */
  status: number | null
  /** Client calls made. With customerio-node's own retries on, one call can be several HTTP requests. */
  attempts: number
  /** Why it failed: `http 400`, `http 500 after 5 attempts`, `network error (UND_ERR_SOCKET)`, `batch item invalid (field identifiers)`. Never an id or a response body. */
  error?: string
}

export interface ErasureResult {
  id: string
  status: 'done' | 'failed'
  actions: ErasureAction[]
  /** `'<action>: <error>'` when failed (`'verify: ...'` when the App API still found the person). */
  reason?: string
  /** With `verify`: whether the App API no longer found the person. */
  verified?: boolean
}

/**
 * Erases one person through `client`: the mode's calls in order (suppress-and-destroy stops if
 * the suppress fails), each retried on 429/408/5xx/network errors with exponential backoff and
 * full jitter, honouring `Retry-After`. An HTTP failure is a `'failed'` result, not an exception.
 * Build the client with `retry: { maxRetries: 0 }` so that attempts count HTTP requests.
 *
 * @throws {CustomerioSecurityTypeError} before anything is sent: `ERR_INVALID_ID` (not a string,
 *   blank, or over 150 bytes), `ERR_INVALID_OPTION`, `ERR_INVALID_CLIENT`.
 * @throws {CustomerioSecurityError} `ERR_AUDIT_WRITE` when the audit record could not be appended
 *   (the erasure happened but is unproven).
 */
export declare function erasePerson(
  client: ErasureClient,
  id: string,
  options?: ErasePersonOptions,
): Promise<ErasureResult>

export interface ErasureProgress {
  done: number
  failed: number
  /** Done by an earlier run on the same journal. */
  skipped: number
  /** Repeats of an id already taken by this run. */
  duplicates: number
  inFlight: number
  /** Input items (duplicates included): `ids.length` / `.size`, or the `total` option. */
  total?: number
}

export interface EraseManyOptions extends ErasureRetryOptions, ErasureAuditMetadata {
  /** The resume journal (JSONL of keyed hashes, created if missing). */
  journal: string
  /** Every outcome is appended here; its `subjectHash` names ids in the journal. */
  audit: AuditLog
  mode?: ErasureMode
  /** Requests per second (retries included). Default 100. `Infinity`: no cap. 0 is refused. */
  ratePerSecond?: number
  /** Ids (or batches) in flight at most. Default 10 (1-1000). */
  concurrency?: number
  /** Send suppress/delete through POST /api/v2/batch (`client.batch()`). Default false. */
  useBatchApi?: boolean
  /** Ids per batch request (also kept under 500 KB). Default 100. */
  batchSize?: number
  /** The identifier key of batch operations. Default `'id'`. */
  identifierType?: 'id' | 'email' | 'cio_id'
  /** As {@link ErasePersonOptions.verify}: a person still found is a dead letter. */
  verify?: ErasureVerifyOptions
  /** Called after each id is finished, skipped or found duplicate. A throw stops the run. */
  onProgress?: (progress: ErasureProgress) => void
  /** The audit record's request id for an id. Default: a random UUID each. */
  requestId?: (id: string) => string
  /** For progress when `ids` has no length (an AsyncIterable). */
  total?: number
}

export interface ErasureDeadLetter {
  id: unknown
  reason: string
  status: number | null
}

export interface ErasureSummary {
  done: number
  failed: number
  /** Done by an earlier run on the same journal, not sent again. */
  skipped: number
  duplicates: number
  /** Every failed id (permanent 4xx, retries exhausted, invalid id), with why. */
  deadLetters: ErasureDeadLetter[]
}

/**
 * Erases every id of `ids` (streamed: an Iterable or AsyncIterable is pulled as workers free up)
 * with a token-bucket rate cap, bounded concurrency and the retry policy of {@link erasePerson}.
 * Each id is journaled (fsync'd, as `audit.subjectHash(id)`) before its first request and after
 * its audit record; a run killed at any point and started again on the same journal skips the
 * ids done, retries the others (suppress is idempotent), and ignores a torn last line. Ids that
 * failed in an earlier run are tried again. Duplicates are erased once. A failed id never stops
 * the run; invalid ids are dead-lettered without a request.
 *
 * @throws {CustomerioSecurityTypeError} `ERR_INVALID_OPTION`, `ERR_INVALID_CLIENT`, before anything is sent.
 * @throws {CustomerioSecurityError} before anything is sent: `ERR_JOURNAL_UNREADABLE`,
 *   `ERR_JOURNAL_UNWRITABLE`, `ERR_JOURNAL_CORRUPT` (a damaged line, or not a journal),
 *   `ERR_JOURNAL_MISMATCH` (another mode or audit key); during the run (after the requests in
 *   flight end): `ERR_JOURNAL_WRITE`, `ERR_AUDIT_WRITE`, or the input's own error.
 */
export declare function eraseMany(
  client: ErasureClient,
  ids: Iterable<unknown> | AsyncIterable<unknown>,
  options: EraseManyOptions,
): Promise<ErasureSummary>

// ---------------------------------------------------------------------------------------------
// Credentials

/**
 * A secret string that cannot leak by accident: `String()`, template literals, `+`,
 * `JSON.stringify`, `util.inspect`, `console.log` and error messages built from it all show
 * `[REDACTED]`. The raw value is held in a private field (invisible to `Object.keys`, spread
 * and `structuredClone`) and comes out only through {@link SecretValue.reveal}. Every
 * SecretValue still alive is known to {@link scrub}.
 */
export declare class SecretValue {
  /**
   * @param value a non-empty string (ERR_EMPTY_SECRET / ERR_INVALID_SECRET otherwise)
   * @param options `register: false` keeps the value out of scrub()'s registry
   */
  constructor(value: string, options?: { register?: boolean })
  /** The raw value: the only way to read it. */
  reveal(): string
  /** Constant-time comparison with another SecretValue or a string. */
  equals(other: SecretValue | string): boolean
  /** Always `'[REDACTED]'`. */
  toString(): '[REDACTED]'
  /** Always `'[REDACTED]'`. */
  toJSON(): '[REDACTED]'
  /** Always `'[REDACTED]'`. */
  valueOf(): '[REDACTED]'
  [Symbol.toPrimitive](hint: string): '[REDACTED]'
  /** True for a SecretValue made by this package (a brand check, not duck typing). */
  static isSecretValue(value: unknown): value is SecretValue
}

/** A field of {@link Credentials} that `require` can ask for. */
export type CredentialField = 'siteId' | 'trackApiKey' | 'appApiKey' | 'webhookSecrets'

/** The environment variables read by {@link loadCredentials}. */
export type CredentialVariable =
  | 'CUSTOMERIO_SITE_ID'
  | 'CUSTOMERIO_TRACK_API_KEY'
  | 'CUSTOMERIO_APP_API_KEY'
  | 'CUSTOMERIO_WEBHOOK_SECRET'
  | 'CUSTOMERIO_REGION'
  | 'CUSTOMERIO_TRACK_URL'
  | 'CUSTOMERIO_APP_API_URL'

/** A Customer.io data region. */
export type CustomerioRegion = 'us' | 'eu'

/**
 * Reads one variable from a secret manager. Resolve `undefined` (or `null`) for a name it does
 * not hold: that name is then read from `env`. Bytes are decoded as UTF-8.
 */
export type CredentialProvider = (name: CredentialVariable) => Promise<string | Uint8Array | null | undefined>

/** A configuration problem that works but is probably wrong; never holds the value. */
export interface CredentialWarning {
  /**
   * `CUSTOMERIO_CREDENTIAL_WHITESPACE` (trimmed), `CUSTOMERIO_EMPTY_WEBHOOK_SECRET` (a stray
   * comma), `CUSTOMERIO_WEBHOOK_SECRET_LOOKS_LIKE_API_KEY` (a Track or App key pasted as the
   * webhook signing key).
   */
  code:
    | 'CUSTOMERIO_CREDENTIAL_WHITESPACE'
    | 'CUSTOMERIO_EMPTY_WEBHOOK_SECRET'
    | 'CUSTOMERIO_WEBHOOK_SECRET_LOOKS_LIKE_API_KEY'
  variable: CredentialVariable
  message: string
}

export interface LoadCredentialsOptions<Required extends CredentialField = CredentialField> {
  /** Where variables are read (and where the provider's gaps are filled from). Default `process.env`. */
  env?: Record<string, string | undefined>
  /** An async secret-manager reader, asked first for every variable. */
  provider?: CredentialProvider
  /**
   * What must be present; a missing one rejects with ERR_MISSING_CREDENTIAL naming the
   * variable(s). Default `['siteId', 'trackApiKey']`; a webhook receiver: `['webhookSecrets']`.
   */
  require?: readonly Required[]
  /** Receives warnings; without it they go to `process.emitWarning` (type CustomerioSecurityWarning, with the code). */
  onWarning?: (warning: CredentialWarning) => void
  /** Check the shapes (site id and Track key: 20 hex, App key: 32 hex). Default true. */
  checkShapes?: boolean
  /**
   * Accept an `http://` CUSTOMERIO_TRACK_URL to a host other than this machine (the site id and
   * key then travel in cleartext). Default false: such a URL rejects with ERR_INVALID_CREDENTIAL;
   * http to localhost, 127.0.0.0/8 or ::1 is always accepted.
   */
  allowInsecureTrackUrl?: boolean
}

/** Loaded credentials. Safe to log as a whole: every secret is a SecretValue. Frozen. */
export interface Credentials {
  readonly siteId?: SecretValue
  readonly trackApiKey?: SecretValue
  readonly appApiKey?: SecretValue
  /** The webhook signing keys, in the order configured (several while rotating); may be empty. */
  readonly webhookSecrets: readonly SecretValue[]
  /** The configured region (default 'us'). */
  readonly region: CustomerioRegion
  /** The Track API v1 base URL: CUSTOMERIO_TRACK_URL, else the region's, without a trailing slash. */
  readonly trackUrl: string
  /**
   * The App API base URL: CUSTOMERIO_APP_API_URL (https, or http to a loopback host), else the
   * region's (`https://api.customer.io/v1`, EU `https://api-eu.customer.io/v1`).
   */
  readonly appApiUrl: string
}

/**
 * Reads CUSTOMERIO_SITE_ID, CUSTOMERIO_TRACK_API_KEY, CUSTOMERIO_APP_API_KEY,
 * CUSTOMERIO_WEBHOOK_SECRET (comma-separated), CUSTOMERIO_REGION, CUSTOMERIO_TRACK_URL and CUSTOMERIO_APP_API_URL from
 * the provider and/or env. Surrounding whitespace is trimmed with a warning; an empty value
 * counts as not set. Every malformed variable is named in one error (`variables` lists them). Rejects with a CustomerioSecurityError (`code` ERR_MISSING_CREDENTIAL,
 * ERR_INVALID_CREDENTIAL or ERR_CREDENTIAL_PROVIDER, `variable` naming it) whose message never
 * contains a value.
 */
export declare function loadCredentials<Required extends CredentialField = 'siteId' | 'trackApiKey'>(
  options?: LoadCredentialsOptions<Required>,
): Promise<CredentialsWith<Required>>

/**
 * {@link Credentials} with the fields `require` named typed as present (a missing one rejects),
 * so `(await loadCredentials()).trackApiKey.reveal()` needs no check.
 */
export type CredentialsWith<Required extends CredentialField> = Credentials & {
  readonly [Field in Exclude<Required, 'webhookSecrets'>]-?: SecretValue
}

/**
 * A copy of `value` fit for a log: HTTP Basic and Bearer credentials, the userinfo of URLs
 * (`user:password@`, passwords holding `@ # /`, a token alone), the values of credential keys
 * (`authorization`, `cookie`, `set-cookie`, `x-api-key`, `password`, `client_secret`,
 * `access_token`, `auth: 'user:pass'`...), SecretValues and the value of every SecretValue still
 * alive are replaced by `[REDACTED]`, in strings and deeply in arrays, objects, Maps, Sets,
 * Buffers and Errors (which stay Errors). `Headers`, `URLSearchParams`, `Request`, `Response`
 * and `FormData` become plain objects. Cycles become `'[Circular]'`, throwing getters
 * `'[Unreadable]'`, nesting past 64 levels `'[Too deep]'`. The input is not changed.
 */
export declare function scrub<T>(value: T): T

/**
 * Makes scrub() forget every SecretValue created so far. Collected SecretValues leave its
 * registry by themselves (it holds weak references); this is for clearing it on demand.
 */
export declare function forgetSecrets(): void

export interface CheckCredentialsOptions {
  /** Give up after this many milliseconds (result NETWORK, detail 'timeout'). Default 10000. */
  timeoutMs?: number
  /** Aborts the request (result NETWORK, detail 'aborted'). */
  signal?: AbortSignal
  /** A fetch implementation (default: Node's global fetch). */
  fetch?: typeof fetch
}

export interface CredentialCheckOk {
  ok: true
  /** The region the credentials belong to. */
  region: CustomerioRegion | string
  environmentId: number | string
  /** The workspace's Track host as the API reports it, e.g. https://track.customer.io. */
  url?: string
  /** The URL that was asked. */
  endpoint: string
  /** Present when the configured region is not the credentials' region. */
  regionMismatch?: { configured: CustomerioRegion; actual: string }
}

export interface CredentialCheckFailed {
  ok: false
  /**
   * UNAUTHORIZED: 401/403, the pair was refused. NETWORK: no answer (see `detail`: an error
   * code such as ECONNREFUSED, 'timeout' or 'aborted'). UNEXPECTED_STATUS: any other status,
   * including a redirect (not followed, so credentials only go to the configured host).
   * UNEXPECTED_RESPONSE: 200 without a region in the body.
   */
  reason: 'UNAUTHORIZED' | 'NETWORK' | 'UNEXPECTED_STATUS' | 'UNEXPECTED_RESPONSE'
  status?: number
  detail?: string
  endpoint: string
}

export type CredentialCheck = CredentialCheckOk | CredentialCheckFailed

/** What checkCredentials needs: loadCredentials' result, or the same fields as plain strings. */
export interface CheckableCredentials {
  siteId?: SecretValue | string
  trackApiKey?: SecretValue | string
  /** The configured region: compared with the answer (regionMismatch). Without it, nothing is compared. */
  region?: CustomerioRegion
  /** The Track API v1 base URL; default the region's (US without a region). */
  trackUrl?: string
}

/**
 * A credential self-test: `GET {trackUrl}/accounts/region` with HTTP Basic siteId:trackApiKey
 * (no side effects). Never rejects for anything the network or server does; rejects with a
 * coded TypeError only for misuse (no site id or Track key, a bad timeout).
 */
export declare function checkCredentials(
  credentials: CheckableCredentials,
  options?: CheckCredentialsOptions,
): Promise<CredentialCheck>

/**
 * new TrackClient(siteId, trackApiKey, { region, url: trackUrl, ...defaults }) from loaded
 * credentials: the holder's default client factory. `util.inspect` and `JSON.stringify` of the
 * returned client show `[REDACTED]`, never the site id or key. Needs customerio-node (>= 5) installed.
 * Typed `any` so consumers without customerio-node still compile; annotate it as `TrackClient`.
 */
export declare function createTrackClient(credentials: Credentials, defaults?: Record<string, unknown>): any

/**
 * Options of {@link createCredentialHolder}. `Client` is what the factory builds; name it for
 * typed calls: `createCredentialHolder<TrackClient>({ ... })`.
 */
export interface CredentialHolderOptions<Client = any> extends LoadCredentialsOptions {
  /** Builds a client for a set of credentials (may be async). Default: {@link createTrackClient}. */
  clientFactory?: (credentials: Credentials) => Client | Promise<Client>
  /** Reload from the provider/env this often; 0 turns the timer off. Default 300000 (5 min). The timer is unref'd. */
  refreshIntervalMs?: number
  /**
   * After a reload that found nothing new, 401s within this many milliseconds do not reload
   * again (a revoked key with no replacement must not hammer the secret manager). Default 1000.
   */
  minRefreshIntervalMs?: number
  /** Receives reload failures (the old credentials stay). Default: process.emitWarning with the error's code only. */
  onError?: (error: unknown) => void
}

/** Credentials that rotate without downtime. See {@link createCredentialHolder}. */
export interface CredentialHolder<Client = any> {
  /** The current credentials (safe to log). */
  readonly credentials: Credentials
  /** 1 after the first load, +1 for each swap to new credentials. */
  readonly generation: number
  /**
   * Stands in for the current client: each method call runs through {@link withClient} (so it
   * follows swaps and is retried once after a 401); other members are read from the current
   * client. Throws ERR_NO_CLIENT when no site id / Track key was loaded, ERR_HOLDER_CLOSED after close().
   */
  readonly client: Client
  /**
   * `() => string[]`: the current webhook signing secrets, for
   * `customerioWebhook({ secret: holder.webhookSecrets })` (a new key takes effect after the
   * next refresh, without a restart).
   */
  readonly webhookSecrets: () => string[]
  /** The current webhook signing secrets as strings. */
  currentWebhookSecrets(): string[]
  /**
   * Calls fn with the current client. If it rejects with a 401 (`statusCode`, `status` or
   * `response.status`), reloads (one reload shared by all concurrent callers) and, if that
   * produced a new client, calls fn once more with it; otherwise rejects with the 401.
   */
  withClient<T>(fn: (client: Client) => T | Promise<T>): Promise<T>
  /** Reloads now (concurrent calls share one). `changed` is false when nothing differed. Rejects on failure; the old credentials stay. */
  refresh(): Promise<{ changed: boolean }>
  /** Stops the timer; calls already running finish, new calls reject with ERR_HOLDER_CLOSED. */
  close(): void
}

/**
 * Loads the credentials, builds a client for them, and reloads on an interval and on a 401 from
 * the API. New Track credentials get a new client, swapped in atomically: calls in flight
 * finish on the client they started with. Rejects when the first load fails.
 */
export declare function createCredentialHolder<Client = any>(
  options?: CredentialHolderOptions<Client>,
): Promise<CredentialHolder<Client>>

/** Misuse of the API. `code` is stable; the message never holds a secret. */
export declare class CustomerioSecurityTypeError extends TypeError {
  readonly code: string
}

declare global {
  namespace Express {
    /**
     * What `customerioWebhook()` sets before your handler runs. Typed as present, so a handler
     * mounted after the middleware (`app.post(path, customerioWebhook(options), handler)`) reads
     * them without a check, and {@link CustomerioWebhookRequest} can annotate its request. On a
     * route without the middleware they are `undefined` at run time: read them only behind it.
     */
    interface Request {
      /** The verified, parsed event. */
      customerioEvent: CustomerioEvent
      /** The raw body bytes, exactly as signed. */
      rawBody: Buffer
      /** Which secret matched and the signed timestamp. */
      customerioWebhook: CustomerioWebhookInfo
    }
  }
}
