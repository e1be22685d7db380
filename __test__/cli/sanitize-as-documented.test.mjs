// The `sanitize` command's real output, as docs/sanitize.md shows it: each shell session on that
// page (`$ cat in.ndjson`, `$ customerio-security sanitize ... > out 2> err`, `$ cat out`,
// `$ cat err`) is replayed in a temp dir and its output compared, line for line. A change to
// what the command prints fails here until the page shows it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { runCli, tempDir } from '../helpers/cli.mjs'
import { readPage, ROOT } from '../helpers/manual.mjs'

const PAGE = 'docs/sanitize.md'

/** Shell sessions of the page: fenced blocks whose first line runs `$ ...`, cut into commands and their output. */
function sessions(text) {
  const blocks = [...text.matchAll(/```\n(\$ [\s\S]*?)```/g)].map(([, body]) => body)
  return blocks
    .filter((body) => body.includes('$ customerio-security sanitize'))
    .map((body) => {
      const steps = []
      for (const line of body.split('\n')) {
        if (line.startsWith('$ ')) steps.push({ command: line.slice(2), output: [] })
        else if (steps.length > 0) steps.at(-1).output.push(line)
      }
      for (const step of steps) step.output = `${step.output.join('\n').replace(/\n+$/, '')}\n`
      return steps
    })
}

const FIXTURES = { 'people.csv': join(ROOT, '__test__/fixtures/csv/people.csv') }

test('docs/sanitize.md shows shell sessions of the sanitize command', () => {
  const found = sessions(readPage(PAGE))
  assert.ok(found.length >= 2, 'the NDJSON and the CSV sessions')
})

for (const [index, steps] of sessions(readPage(PAGE)).entries()) {
  test(`session ${index + 1} of ${PAGE} prints what the command prints`, async (t) => {
    const dir = await tempDir(t)
    const files = new Map()
    for (const { command, output } of steps) {
      const cat = /^cat (\S+)$/.exec(command)
      const run = /^customerio-security (sanitize .*?) > (\S+) 2> (\S+)$/.exec(command)
      if (cat !== null && !files.has(cat[1])) {
        // `cat` of a file nothing wrote yet: the session's input, as shown.
        await writeFile(join(dir, cat[1]), output)
        files.set(cat[1], output)
      } else if (cat !== null) {
        // Compared as a terminal shows it: CSV's CRLF line ends as LF.
        assert.equal(files.get(cat[1]).replaceAll('\r\n', '\n'), output, `$ ${command}`)
      } else if (run !== null) {
        const args = run[1].split(' ')
        for (const arg of args) {
          if (arg in FIXTURES && !files.has(arg)) await copyFile(FIXTURES[arg], join(dir, arg))
        }
        const result = await runCli(args.map((arg) => (arg.includes('.') ? join(dir, arg) : arg)))
        assert.equal(result.code, 0, result.stderr)
        await writeFile(join(dir, run[2]), result.stdout)
        files.set(run[2], result.stdout)
        files.set(run[3], result.stderr)
        // The file the shell would have written holds what the command printed.
        assert.equal(await readFile(join(dir, run[2]), 'utf8'), result.stdout)
      } else {
        assert.fail(`a command this test cannot replay: $ ${command}`)
      }
    }
  })
}
