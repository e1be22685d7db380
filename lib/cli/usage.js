'use strict'

// What every subcommand shares with the dispatcher: the error that means "wrong invocation"
// (exit 2, usage hint on stderr) and the exit codes themselves.

const { parseArgs } = require('node:util')

const EXIT_OK = 0
const EXIT_FAILED = 1
const EXIT_USAGE = 2

/** Bad arguments, an unreadable input file or policy: the dispatcher prints it and exits 2. */
class UsageError extends Error {
  constructor(message) {
    super(message)
    this.name = 'UsageError'
  }
}

/**
 * node:util parseArgs with its errors as UsageErrors (exit 2 with the usage hint). Positionals
 * are allowed unless `allowPositionals` is false.
 */
function parseCommandLine(args, options, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals })
  } catch (error) {
    throw new UsageError(error.message)
  }
}

module.exports = { EXIT_OK, EXIT_FAILED, EXIT_USAGE, UsageError, parseCommandLine }
