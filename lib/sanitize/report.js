'use strict'

// The per-call report of the object walk: the changes listed (capped as the native report is),
// each with its path, keys that carry personal data shown as `<redacted>`.

const native = require('../native.js')

function note(ctx, action, rule) {
  const report = ctx.report
  if (report === null) return
  // Capped like the native report: a million changes must not become a million objects.
  if (report.changes.length < ctx.maxListed) report.changes.push({ path: render(ctx.path), action, rule })
  else report.omitted += 1
}

// A key shown in a path: itself, or `<redacted>` when it carries personal data (an email, a
// phone or card number...), decided by the core for both entry points. A key of fewer than 20
// letters, `_` and `-` cannot hold one (every detector needs a digit, `@`, `.`, a space, or 20
// letters for an AWS key id), so it skips the native call; paths are rendered only for reports
// and errors.
const PLAIN_KEY = /^[A-Za-z_-]{0,19}$/

function render(path) {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else {
      const shown = PLAIN_KEY.test(segment) ? segment : native.sanitizerPathKey(segment)
      out += out === '' ? shown : '.' + shown
    }
  }
  return out === '' ? '(top level)' : out
}

module.exports = { note, render }
