// The per-step report: one line per check, grouped ("[pack]", "[node 22]"), failures with the
// evidence that explains them, and a closing verdict. Counts decide the exit code.

export function createReport(out = process.stdout) {
  let passed = 0
  let failed = 0
  let warned = 0
  const write = (line) => out.write(`${line}\n`)
  const indent = (text) =>
    text
      .trimEnd()
      .split('\n')
      .map((line) => `        | ${line}`)
      .join('\n')

  return {
    /** Runs one check; `fn` returns a detail string (or nothing) or throws. Resolves to true if it passed. */
    async step(group, title, fn) {
      try {
        const detail = await fn()
        passed += 1
        write(`[${group}] ok    ${title}${detail ? ` (${detail})` : ''}`)
        return true
      } catch (error) {
        failed += 1
        write(`[${group}] FAIL  ${title}: ${error?.message ?? error}`)
        if (error?.evidence) write(indent(error.evidence))
        return false
      }
    },
    /** A check that could not run because an earlier one failed: counted as a failure. */
    skipped(group, title, why) {
      failed += 1
      write(`[${group}] FAIL  ${title}: not run, ${why}`)
    },
    /** Something a user would notice that does not stop the package working. */
    warn(group, text) {
      warned += 1
      write(`[${group}] WARN  ${text}`)
    },
    info(text) {
      write(text)
    },
    get failed() {
      return failed
    },
    summary() {
      const warnings = warned ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''
      // Deliberately not "N passed, N failed": CI reads that shape as a test runner's closing line.
      if (failed === 0) write(`pack-test: all ${passed} checks passed${warnings}`)
      else write(`pack-test: ${failed} of ${passed + failed} checks FAILED${warnings}`)
    },
  }
}

/** An error carrying the command output that explains it (printed indented under the FAIL line). */
export function failure(message, evidence) {
  const error = new Error(message)
  if (evidence) error.evidence = evidence
  return error
}
