// Bulk sanitization: whole exports and streams of NDJSON or CSV, off the event loop.

import type { Transform } from 'node:stream'
import type { NdjsonLineError, SanitizerPolicy } from '../index'

export interface BulkSanitizeOptions {
  /** The policy (default: the default policy), compiled once for the run. */
  policy?: SanitizerPolicy
  /** Threads to sanitize on, 1 to 256. Default: one per CPU (`os.availableParallelism()`). */
  jobs?: number
  /**
   * A record that cannot be sanitized: `'skip'` leaves it out and reports it, `'stop'` ends the
   * run there (the records before it are out). Default `'skip'` for `sanitizeNdjson`, `'stop'`
   * for `createSanitizeStream`.
   */
  onError?: 'stop' | 'skip'
  /** Write the output as gzip (input gzip is recognised by its magic bytes, always). Default false. */
  gzip?: boolean
  /** Count the changes per action and rule, and per path pattern, for `summary.changes`. Default true. */
  counts?: boolean
}

export interface SanitizeStreamOptions extends BulkSanitizeOptions {
  /** `'ndjson'` (default) or `'csv'` (RFC 4180 with a header row, sanitized by column name). */
  format?: 'ndjson' | 'csv'
}

/** Changes of one action and rule in a bulk run, and where they were made. */
export interface BulkRuleCount {
  /** `'dropped'`, `'hashed'`, `'redacted'`, `'limit'`... as in a report. */
  action: string
  /** The field rule, `detector:<name>`, or a limit's or reason's name, as in a report. */
  rule: string
  count: number
  /**
   * The same changes by path pattern, most frequent first: the path with array indices left
   * out (`contacts[].phone`); keys that look like personal data or ids (an email, a detector's
   * find, an `@`, three digits or more) shown as `<redacted>`, keys over 64 bytes as
   * `<long key>`; cut at 256 bytes. A run keeps at most 1,000 patterns; changes elsewhere count
   * under `'<other paths>'`. CSV: the column's name.
   */
  paths: Array<{ path: string; count: number }>
}

/** What a bulk run did: counts by rule and by path pattern, never a value. */
export interface BulkSanitizeSummary {
  /** Records read (blank lines and the CSV header are not records). */
  records: number
  written: number
  malformed: number
  /** Changes per action and rule, most frequent first. */
  changes: BulkRuleCount[]
  /** The line (CSV: row) where the run stopped, or null. */
  stoppedAt: number | null
}

export interface BulkSanitizeResult<Output> {
  ndjson: Output
  /** Records left out: line number and code, never their text. */
  errors: NdjsonLineError[]
  summary: BulkSanitizeSummary
}

/**
 * A whole NDJSON export sanitized on threads, off the event loop: each line as by
 * `sanitizeJson`, in order. A string in gives a string out, bytes give a Buffer (gzip when
 * `gzip: true`).
 */
export declare function sanitizeNdjson(
  ndjson: string,
  options?: BulkSanitizeOptions & { gzip?: false },
): Promise<BulkSanitizeResult<string>>
export declare function sanitizeNdjson(
  ndjson: Buffer | Uint8Array,
  options?: BulkSanitizeOptions,
): Promise<BulkSanitizeResult<Buffer>>
export declare function sanitizeNdjson(
  ndjson: string,
  options: BulkSanitizeOptions & { gzip: true },
): Promise<BulkSanitizeResult<Buffer>>

/** A record the stream left out under `onError: 'skip'`. */
export interface SanitizeStreamLineError extends NdjsonLineError {}

/**
 * A Transform from NDJSON or CSV bytes (plain or gzip) to sanitized bytes, in order, sanitized
 * on threads. Under `onError: 'stop'` a record that cannot be sanitized destroys the stream with
 * a `CustomerioSecurityError` that has its `line`.
 */
export interface SanitizeStream extends Transform {
  /** The run's counts, once the stream has ended (null before). */
  readonly summary: BulkSanitizeSummary | null
  on(event: 'lineError', listener: (error: SanitizeStreamLineError) => void): this
  on(event: string | symbol, listener: (...args: any[]) => void): this
}

export declare function createSanitizeStream(options?: SanitizeStreamOptions): SanitizeStream
