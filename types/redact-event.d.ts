// Redacted copies of verified events, for logs and queues. Re-exported from index.d.ts.

import type { Secret } from '../index'

export interface RedactEventOptions {
  /** The sanitizer's pepper: identifying fields become `<name>_hash: '<keyId>:<hex>'` instead of being dropped. */
  pepper?: { key: Secret; keyId: string }
  /** Field names (any spelling, any depth) to let through; the value detectors still run on them. */
  keep?: readonly string[]
}

/**
 * What is left of an event: the fields that say what happened (metric, ids of the delivery,
 * campaign and message, timestamps, Segment `type` and `messageId`) and, with a pepper, the
 * pseudonyms of the person's identifiers. Everything else is dropped.
 */
export type RedactedEvent = Record<string, unknown>

/** A copy of a reporting webhook event, a Data Pipelines event or batch, with the person taken out. */
export declare function redactEvent(event: readonly object[], options?: RedactEventOptions): RedactedEvent[]
export declare function redactEvent(event: object, options?: RedactEventOptions): RedactedEvent

/** A redactor built once (redactEvent caches one per options object). */
export declare function createEventRedactor(options?: RedactEventOptions): {
  (event: readonly object[]): RedactedEvent[]
  (event: object): RedactedEvent
}
