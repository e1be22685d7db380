'use strict'

// What every subcommand shares with the dispatcher: the error that means "wrong invocation"
// (exit 2, usage hint on stderr) and the exit codes themselves.

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

module.exports = { EXIT_OK, EXIT_FAILED, EXIT_USAGE, UsageError }
