// Webhook verification, de-duplication and the framework adapters. Re-exported from index.d.ts.

import type { CustomerioEvent } from './events'
import type { RedactEventOptions, RedactedEvent } from './redact-event'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SecretValue, loadCredentials } from './credentials'
import { CustomerioSecurityError, CustomerioSecurityTypeError } from './errors'

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
