// GDPR/CCPA erasure and its audit log. Re-exported from index.d.ts.

import type { AppApiClient } from './dsr'
import type { Secret } from './webhook'

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
