#!/usr/bin/env node
'use strict'

// The command-line entry point: picks a subcommand and hands it the rest of the arguments.
// Each subcommand is a module exporting `usage` (its --help text) and `run(args, io)` (a promise
// of the exit code); it is loaded only when used, so `--help` does not load the native addon.

const { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } = require('../lib/cli/usage.js')

// Adding a subcommand is one line here.
const COMMANDS = {
  sanitize: { module: '../lib/cli/sanitize.js', summary: 'sanitize NDJSON records (a file or stdin) to stdout' },
  erase: {
    module: '../lib/cli/erase.js',
    summary: 'erase (suppress/destroy) every id of a file, resumably, with an audit log',
  },
  'export-person': {
    module: '../lib/cli/export-person.js',
    summary: "export one person's data from the App API (JSON + HTML) for an access request",
  },
  requests: {
    module: '../lib/cli/requests.js',
    summary: 'list data subject requests from an audit log with their legal deadlines',
  },
  'audit-log': {
    module: '../lib/cli/audit-log.js',
    summary: 'verify an erasure audit log, or print its head for anchoring',
  },
  check: {
    module: '../lib/cli/check.js',
    summary: 'check the Track API credentials in the environment (region, environment id)',
  },
  audit: { module: '../lib/cli/audit.js', summary: 'run the security checklist on a directory and its git history' },
}

const TOOL = 'customerio-security'

function toolUsage() {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length))
  const list = Object.entries(COMMANDS)
    .map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`)
    .join('\n')
  return `Usage: ${TOOL} <command> [options]

Commands:
${list}

Options:
  -h, --help     show this help (or \`${TOOL} <command> --help\`)
  --version      show the version
`
}

async function main(argv, io) {
  const [first, ...rest] = argv
  if (first === undefined) {
    io.stderr.write(toolUsage())
    return EXIT_USAGE
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(toolUsage())
    return EXIT_OK
  }
  if (first === '--version') {
    io.stdout.write(`${require('../package.json').version}\n`)
    return EXIT_OK
  }
  if (first === 'help') {
    if (rest.length === 0) {
      io.stdout.write(toolUsage())
      return EXIT_OK
    }
    return main([rest[0], '--help'], io)
  }
  if (!Object.hasOwn(COMMANDS, first)) {
    const what = first.startsWith('-') ? 'option' : 'command'
    io.stderr.write(`${TOOL}: unknown ${what} '${first}'\n\n${toolUsage()}`)
    return EXIT_USAGE
  }
  const command = require(COMMANDS[first].module)
  try {
    return await command.run(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${TOOL} ${first}: ${error.message}\nRun '${TOOL} ${first} --help' for usage.\n`)
      return EXIT_USAGE
    }
    // A bug, not a bad input: name it without its message, which could quote data.
    const code = typeof error?.code === 'string' ? ` ${error.code}` : ''
    io.stderr.write(`${TOOL} ${first}: internal error (${error?.name ?? typeof error}${code})\n`)
    if (io.env.CUSTOMERIO_SECURITY_DEBUG) io.stderr.write(`${error?.stack}\n`)
    return EXIT_FAILED
  }
}

// A closed stderr (`2>&- `, a terminal gone) must not crash the run with an unhandled 'error'.
process.stderr.on('error', () => {})

main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((code) => {
  // exitCode, not exit(): pending writes to a pipe are flushed before Node exits.
  process.exitCode = code
})
