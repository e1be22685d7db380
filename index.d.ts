// Public typings of customerio-security. Hand-written on top of the generated binding.d.ts
// (which types the internal native calls); __test__/package/typings.test.mjs compiles a strict
// consumer against this file. The declarations live in types/, one file per product.

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
export * from './types/errors'
export * from './types/webhook'
export * from './types/sanitize'
export * from './types/integrations'
export * from './types/erasure'
export * from './types/credentials'
