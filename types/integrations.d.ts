// customerio-node and Data Pipelines wrappers. Re-exported from index.d.ts.

import { createSanitizer } from './sanitize'
import type { Sanitizer, SanitizerPolicy } from './sanitize'

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
