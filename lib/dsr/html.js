'use strict'

// The access export's human-readable half: one HTML page, written in pieces as the data arrives
// (so a person with 100,000 deliveries is a long page, not a big string in memory). Every value
// is escaped; the page has no script and its Content-Security-Policy forbids any, so a value
// that somehow slipped past the escaping still could not run. Printable: plain tables, print CSS.

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text safe in element content and in quoted attribute values. */
function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
}

/** A value as table-cell content: text as it is, anything else as JSON, both escaped. */
function cell(value) {
  if (value === undefined || value === null || value === '') return ''
  if (typeof value === 'string') return escapeHtml(value)
  if (typeof value === 'number' || typeof value === 'boolean') return escapeHtml(String(value))
  return `<code>${escapeHtml(JSON.stringify(value))}</code>`
}

/** Customer.io's unix-seconds timestamps as ISO 8601; anything else shown as it is. */
function time(value) {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    const date = new Date(value * 1000)
    if (!Number.isNaN(date.getTime())) return escapeHtml(date.toISOString().replace('.000Z', 'Z'))
  }
  return cell(value)
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#111}
table{border-collapse:collapse;width:100%;margin:0 0 1.5rem}
th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top;word-break:break-word}
th{background:#eee}code{font-size:.85em;white-space:pre-wrap}
.note{border-left:4px solid #c80;padding:.25rem .75rem;background:#fff8e6}
@media print{body{margin:0}section{break-inside:auto}tr{break-inside:avoid}th{background:none}}`

function head(title) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
`
}

function requestSection(request) {
  return `<section id="request"><h2>Request</h2>
<table><tbody>
<tr><th>Identifier (${escapeHtml(request.idType)})</th><td>${cell(request.identifier)}</td></tr>
<tr><th>Request id</th><td>${cell(request.requestId)}</td></tr>
<tr><th>Requested at</th><td>${cell(request.requestedAt)}</td></tr>
<tr><th>Region</th><td>${cell(request.region)}</td></tr>
</tbody></table></section>
`
}

function personStart(index, identifiers) {
  return `<section class="person" id="person-${index + 1}"><h2>Person ${index + 1}</h2>
<h3>Identifiers</h3>
${keyValueTable(identifiers)}`
}

function keyValueTable(object) {
  const entries = Object.entries(object ?? {})
  if (entries.length === 0) return '<p>None.</p>\n'
  const rows = entries.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${cell(value)}</td></tr>`).join('\n')
  return `<table><tbody>\n${rows}\n</tbody></table>\n`
}

function attributesSection(customer) {
  const attributes = customer?.attributes ?? {}
  const rest = { ...customer }
  delete rest.attributes
  delete rest.identifiers
  return `<h3>Attributes</h3>\n${keyValueTable(attributes)}<h3>Profile</h3>\n${keyValueTable(rest)}`
}

function segmentsSection(segments) {
  if (segments.length === 0) return '<h3>Segments</h3>\n<p>None.</p>\n'
  const rows = segments
    .map((s) => `<tr><td>${cell(s?.id)}</td><td>${cell(s?.name)}</td><td>${cell(s?.description)}</td></tr>`)
    .join('\n')
  return `<h3>Segments</h3>\n<table><thead><tr><th>Id</th><th>Name</th><th>Description</th></tr></thead><tbody>\n${rows}\n</tbody></table>\n`
}

const DELIVERY_HEAD =
  '<h3>Message deliveries</h3>\n<table><thead><tr><th>Created</th><th>Type</th><th>Recipient</th><th>Subject</th><th>Sent by</th><th>Metrics</th><th>Delivery id</th></tr></thead><tbody>\n'

function deliveryRow(d) {
  const by = ['campaign_id', 'broadcast_id', 'newsletter_id', 'action_id']
    .filter((k) => d?.[k] !== undefined && d?.[k] !== null)
    .map((k) => `${k.replace('_id', '')} ${d[k]}`)
    .join(', ')
  const metrics = Object.entries(d?.metrics ?? {})
    .map(([name, at]) => `${escapeHtml(name)} ${time(at)}`)
    .join('<br>')
  return `<tr><td>${time(d?.created)}</td><td>${cell(d?.type)}</td><td>${cell(d?.recipient)}</td><td>${cell(d?.subject)}</td><td>${escapeHtml(by)}</td><td>${metrics}</td><td>${cell(d?.id)}</td></tr>\n`
}

const ACTIVITY_HEAD =
  '<h3>Activities (the last 30 days)</h3>\n<table><thead><tr><th>Time</th><th>Type</th><th>Name</th><th>Delivery</th><th>Data</th></tr></thead><tbody>\n'

function activityRow(a) {
  return `<tr><td>${time(a?.timestamp)}</td><td>${cell(a?.type)}</td><td>${cell(a?.name)}</td><td>${cell(a?.delivery_id)}</td><td>${cell(a?.data)}</td></tr>\n`
}

const TABLE_END = '</tbody></table>\n'

function manifestSection(manifest) {
  const notes = manifest.limits.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('\n')
  const counts = manifest.counts
  const calls = manifest.calls
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.endpoint)}</td><td>${escapeHtml(c.via)}</td><td>${c.requests}</td><td>${c.retries}</td></tr>`,
    )
    .join('\n')
  return `<section id="manifest"><h2>About this export</h2>
${notes}
<table><tbody>
<tr><th>People found</th><td>${counts.people}</td></tr>
<tr><th>Attributes</th><td>${counts.attributes}</td></tr>
<tr><th>Segments</th><td>${counts.segments}</td></tr>
<tr><th>Message deliveries</th><td>${counts.deliveries}</td></tr>
<tr><th>Activities</th><td>${counts.activities}</td></tr>
<tr><th>Completed at</th><td>${cell(manifest.completedAt)}</td></tr>
</tbody></table>
<h3>Calls made</h3>
<table><thead><tr><th>Endpoint</th><th>Through</th><th>Requests</th><th>Retries</th></tr></thead><tbody>
${calls}
</tbody></table></section>
</body>
</html>
`
}

module.exports = {
  ACTIVITY_HEAD,
  DELIVERY_HEAD,
  TABLE_END,
  activityRow,
  attributesSection,
  deliveryRow,
  escapeHtml,
  head,
  manifestSection,
  personStart,
  requestSection,
  segmentsSection,
}
