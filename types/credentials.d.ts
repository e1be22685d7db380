// Credentials: loading, secret values, rotation, checks. Re-exported from index.d.ts.

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
