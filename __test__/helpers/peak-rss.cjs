// Preloaded (`node --require`) into a child process whose peak memory a test bounds: on exit it
// writes the process's peak resident set size (VmHWM, in KiB, from /proc/self/status) to the file
// named by PEAK_RSS_FILE.
'use strict'

const fs = require('node:fs')

process.on('exit', () => {
  const status = fs.readFileSync('/proc/self/status', 'utf8')
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status)
  if (match && process.env.PEAK_RSS_FILE) fs.writeFileSync(process.env.PEAK_RSS_FILE, match[1])
})
