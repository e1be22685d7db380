'use strict'

// Credential age against the rotation schedule (default 90 days), from the date recorded in
// CUSTOMERIO_KEYS_ROTATED_AT. Policy (documented in the audit's --help): within the schedule
// passes; overdue warns; more than twice the schedule fails (a key no one rotates); no date
// warns; a date that cannot be read or lies in the future fails (the record is wrong).

const DAY_MS = 24 * 60 * 60 * 1000
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/

function checkCredentialAge(rotatedAt, maxAgeDays, now = Date.now()) {
  const id = 'credential-age'
  const title = `credentials rotated within ${maxAgeDays} days`
  if (rotatedAt === undefined || rotatedAt.trim() === '') {
    return {
      id,
      title,
      status: 'warn',
      summary: 'no rotation date recorded: set CUSTOMERIO_KEYS_ROTATED_AT=YYYY-MM-DD when you rotate the keys',
      details: [],
    }
  }
  const value = rotatedAt.trim()
  const time = DATE.test(value) ? Date.parse(value) : NaN
  if (Number.isNaN(time)) {
    return {
      id,
      title,
      status: 'fail',
      summary: 'CUSTOMERIO_KEYS_ROTATED_AT is not an ISO date (YYYY-MM-DD)',
      details: [],
    }
  }
  const days = Math.floor((now - time) / DAY_MS)
  if (days < 0)
    return { id, title, status: 'fail', summary: 'CUSTOMERIO_KEYS_ROTATED_AT is in the future', details: [] }
  const due = new Date(time + maxAgeDays * DAY_MS).toISOString().slice(0, 10)
  if (days <= maxAgeDays)
    return { id, title, status: 'pass', summary: `rotated ${days} days ago; next rotation due ${due}`, details: [] }
  const status = days > 2 * maxAgeDays ? 'fail' : 'warn'
  return { id, title, status, summary: `rotated ${days} days ago: overdue since ${due}`, details: [] }
}

module.exports = { checkCredentialAge }
