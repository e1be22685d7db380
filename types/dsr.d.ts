// Data subject requests: access exports from the App API, request receipts and legal deadlines.
import type { AuditLog, AuditHead, Secret } from '../index'

/**
 * The App API calls an export makes: a customerio-node 5 `APIClient` (built with
 * `retry: { maxRetries: 0 }`). A method it lacks is made with `fetch` against `apiRoot` with `appKey`.
 */
export interface AppApiClient {
  getAttributes?(id: string, idType?: any): Promise<unknown>
  getCustomersByEmail?(email: string): Promise<unknown>
  getCustomerSegments?(id: string, idType?: any): Promise<unknown>
  getCustomerMessages?(id: string, options?: any): Promise<unknown>
  getCustomerActivities?(id: string, options?: any): Promise<unknown>
  apiRoot?: string
  appKey?: string
}

/** Who to export: exactly one identifier. By email, every profile with that email. */
export type PersonIdentifier = { id: string } | { email: string } | { cio_id: string }

export interface ExportPersonOptions {
  /** The directory to write to (created, mode 0700). Files: `person-export-<requestId>.json` and `.html` (0600). */
  out: string
  /** Names the files and the audit record: 1-128 of A-Z a-z 0-9 _ . -. Default: a random UUID. */
  requestId?: string
  /** The workspace's region, recorded in the manifest. Default `'us'`. */
  region?: 'us' | 'eu'
  /** When the request was received (audit record and manifest). Default: now. */
  receivedAt?: Date | string | number
  /** Messages and activities per page: 1-100. Default 100 (Customer.io's largest). */
  pageSize?: number
  /** Requests per second. Default 8 (the App API allows 10); more only for other servers. */
  ratePerSecond?: number
  /** Tries per request on 429, 408, 5xx and network errors. Default 5. */
  maxAttempts?: number
  baseDelayMs?: number
  maxDelayMs?: number
  /** A `Retry-After` is obeyed up to this. Default 300000. */
  maxRetryAfterMs?: number
  /** When given, an `access` record is appended (subject written as its keyed hash). */
  audit?: AuditLog
  jurisdiction?: string
  actor?: string
  /** Counts so far, after each page. */
  onProgress?: (progress: ExportProgress) => void
  /** For the calls the client lacks. Default: global fetch. */
  fetch?: typeof fetch
}

export interface ExportProgress {
  phase: 'segments' | 'deliveries' | 'activities'
  people: number
  attributes: number
  segments: number
  deliveries: number
  activities: number
  requests: number
}

export interface ExportCall {
  /** `'GET /v1/customers/{id}/messages'`: never an identifier. */
  endpoint: string
  /** `'customerio-node getCustomerMessages'` or `'fetch'`. */
  via: string
  requests: number
  retries: number
  /** Answers by status (`'network'`: no answer). */
  statuses: Record<string, number>
}

export interface ExportManifest {
  format: 'customerio-security/person-export/1'
  request: {
    idType: 'id' | 'email' | 'cio_id'
    identifier: string
    requestId: string
    requestedAt: string
    receivedAt: string
    region: 'us' | 'eu'
  }
  startedAt: string
  completedAt: string
  /** Profiles the identifier matched (by email, possibly several). */
  matched: number
  counts: { people: number; attributes: number; segments: number; deliveries: number; activities: number }
  calls: ExportCall[]
  /** What Customer.io does not keep, in words (activities: the last 30 days only). */
  limits: string[]
  pageSize: number
}

export interface ExportPersonResult {
  requestId: string
  /** False when nobody was found: the files say so. */
  found: boolean
  jsonPath: string
  htmlPath: string
  manifest: ExportManifest
}

/**
 * Exports everything the App API holds on one person (attributes, segments, message deliveries,
 * activities) to a JSON file ending with a manifest, and a printable HTML summary, written page
 * by page. Rate-capped, retrying 429 (honouring `Retry-After`), 408, 5xx and dropped connections.
 *
 * @throws {CustomerioSecurityTypeError} before anything is sent: `ERR_INVALID_CLIENT`, `ERR_INVALID_ID`, `ERR_INVALID_OPTION`.
 * @throws {CustomerioSecurityError} `ERR_APP_API` (`status`, `call`) once retries are spent (no
 *   file is left); `ERR_AUDIT_WRITE` when the audit record could not be appended.
 */
export declare function exportPerson(
  appClient: AppApiClient,
  identifier: PersonIdentifier,
  options: ExportPersonOptions,
): Promise<ExportPersonResult>

export interface DataSubjectRequest {
  kind: 'access' | 'erasure'
  /** The identifier; only its keyed hash is written. */
  subject: string
  /** `'gdpr'`, `'uk-gdpr'`, `'ccpa'`, `'cpra'`: sets the deadline. */
  jurisdiction?: string
  /** Default: now. */
  receivedAt?: Date | string | number
  /** Default: a random UUID (resolved). */
  requestId?: string
  actor?: string
  /** `'received'` (default), or `'extended'` once the person was told of an extension. */
  status?: 'received' | 'extended'
}

/** Appends a request's receipt (or extension) to the audit log; resolves its request id. */
export declare function recordRequest(audit: AuditLog, request: DataSubjectRequest): Promise<string>

export interface RequestStatusRow {
  requestId: string
  kind: 'access' | 'erasure'
  /** The keyed hash, as in the log. */
  subject: string
  jurisdiction: string | null
  receivedAt: string
  extended: boolean
  state: 'open' | 'answered'
  answeredAt: string | null
  /** The last failure's reason while open (an erasure still found, an export that failed). */
  reason: string | null
  lastOutcome: 'done' | 'failed' | null
  /** The end of the period's last day, UTC (ISO). */
  deadline: string
  /** The clock applied, in words. */
  rule: string
  /** True when no known jurisdiction was recorded (GDPR's one month is assumed). */
  jurisdictionAssumed: boolean
  overdue: boolean
  answeredLate: boolean
}

/**
 * Verifies the audit log, then lists its requests with their legal deadlines (GDPR: one month,
 * three once extended; CCPA: 45 days, 90 once extended), overdue first.
 * @throws {CustomerioSecurityError} `ERR_AUDIT_LOG_INVALID` when the log does not verify.
 */
export declare function requestStatus(
  path: string,
  options: { key: Secret; expectedHead?: AuditHead | string; now?: Date | string | number },
): { requests: RequestStatusRow[]; overdue: number }
