// The manual: README.md (what the package is, install, the quick start, one example per product,
// the platform table) and the reference pages of docs/ (one per product, plus errors, platforms,
// benchmarks, security notes and migration). docs/design/ holds design notes, not the manual.
// Tests that hold the manual to the package read its pages through these helpers, and find what
// they check on whichever page it lives.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The manual's pages, as paths relative to the repository root: README.md first, then docs/*.md. */
export function manualPages() {
  const docs = readdirSync(new URL('docs/', `file://${ROOT}`), { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => `docs/${entry.name}`)
    .sort()
  return ['README.md', ...docs]
}

/** A page's text, by its path relative to the repository root. */
export function readPage(path) {
  return readFileSync(new URL(path, `file://${ROOT}`), 'utf8')
}

/** `{ path, text }` for every page of the manual. */
export function manual() {
  return manualPages().map((path) => ({ path, text: readPage(path) }))
}

/** The pages whose text matches `pattern` (a RegExp or a string), as `{ path, text }`. */
export function pagesWith(pattern) {
  return manual().filter(({ text }) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)))
}

/** The lines of `text` outside fenced code blocks, with their 1-based line numbers. */
export function proseLines(text) {
  const out = []
  let fence = null
  text.split('\n').forEach((line, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)
    if (marker !== null) {
      if (fence === null) fence = marker[1][0]
      else if (marker[1][0] === fence) fence = null
      return
    }
    if (fence === null) out.push({ line, number: index + 1 })
  })
  return out
}

/**
 * The anchor GitHub gives a heading: lowercased, punctuation dropped (letters, digits, spaces,
 * `-` and `_` stay), each space a `-`. Markdown links in it count by their text.
 */
export function slug(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** Every anchor of a page: its headings' slugs, a repeated one suffixed -1, -2... as GitHub does. */
export function anchors(text) {
  const seen = new Map()
  const out = new Set()
  for (const { line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading === null) continue
    const base = slug(heading[1])
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    out.add(count === 0 ? base : `${base}-${count}`)
  }
  return out
}

/** The inline links and images of a page's prose (code spans and blocks left out): `{ target, number }`. */
export function links(text) {
  const out = []
  for (const { line, number } of proseLines(text)) {
    const prose = line.replace(/`+[^`]*`+/g, '``')
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      out.push({ target: match[1], number })
    }
  }
  return out
}
