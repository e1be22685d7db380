'use strict'

// The legal clocks for answering a data subject request:
// - GDPR Art. 12(3): "without undue delay and in any event within one month of receipt", which
//   "may be extended by two further months where necessary", the person being told within the
//   first month. A month is a calendar month, date to date; when the later month has no such
//   date (31 January + one month), the period ends on that month's last day.
// - CCPA (Cal. Civ. Code 1798.130(a)(2)): 45 days from receipt, extendable once by another 45
//   days with notice within the first 45.
// A period ends at the end of its last day (UTC here). A request without a known jurisdiction is
// given GDPR's one month, the shorter of the two, and flagged as such.

const JURISDICTIONS = Object.freeze({
  gdpr: { name: 'GDPR', months: 1, extendedMonths: 3 },
  'uk-gdpr': { name: 'UK GDPR', months: 1, extendedMonths: 3 },
  ccpa: { name: 'CCPA', days: 45, extendedDays: 90 },
  cpra: { name: 'CCPA', days: 45, extendedDays: 90 },
})

function clockOf(jurisdiction) {
  const key = typeof jurisdiction === 'string' ? jurisdiction.trim().toLowerCase().replace(/_/g, '-') : ''
  const clock = JURISDICTIONS[key]
  return clock === undefined ? { ...JURISDICTIONS.gdpr, assumed: true } : { ...clock, assumed: false }
}

/** The same date `months` later (UTC), clamped to the last day of the target month. */
function addMonths(date, months) {
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)))
}

function addDays(date, days) {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days))
}

/**
 * `{ due, rule, assumed }`: `due` is the last moment of the period's last day (UTC); `rule`
 * says which clock in words; `assumed` is true when the jurisdiction was not one we know.
 */
function deadlineOf(receivedAt, jurisdiction, extended = false) {
  const received = new Date(receivedAt)
  const clock = clockOf(jurisdiction)
  let day
  let rule
  if (clock.months !== undefined) {
    const months = extended ? clock.extendedMonths : clock.months
    day = addMonths(received, months)
    rule = extended ? `${clock.name}: one month, extended by two (Art. 12(3))` : `${clock.name}: one month (Art. 12(3))`
  } else {
    day = addDays(received, extended ? clock.extendedDays : clock.days)
    rule = extended ? `${clock.name}: 45 days, extended once by 45` : `${clock.name}: 45 days`
  }
  if (clock.assumed) rule += ' - no known jurisdiction recorded, the shorter clock assumed'
  const due = new Date(day.getTime() + 24 * 3600 * 1000 - 1)
  return { due, rule, assumed: clock.assumed }
}

module.exports = { JURISDICTIONS, addMonths, deadlineOf }
