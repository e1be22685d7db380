'use strict'

// Warnings about configuration that works but is probably wrong. They go to the caller's
// onWarning, or to process.emitWarning with a code (so --no-warnings and 'warning' listeners
// apply). A warning names the variable and the problem, never the value.

const WARNING_TYPE = 'CustomerioSecurityWarning'

/** A function `(code, variable, message) => void` that reports to `onWarning` or the process. */
function warner(onWarning) {
  return (code, variable, message) => {
    if (typeof onWarning === 'function') onWarning({ code, variable, message })
    else process.emitWarning(message, { type: WARNING_TYPE, code })
  }
}

module.exports = { WARNING_TYPE, warner }
