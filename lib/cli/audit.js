'use strict'

// `customerio-security audit [DIR]`: the security checklist of the Customer.io guide as
// checks, each pass, warn or fail. Reads the directory's files and its git history through the
// git binary; never prints a secret (only masked: first 4 characters + ****).

const fs = require('node:fs/promises')
const path = require('node:path')
const { firstLine, git } = require('./checklist/git.js')
const { trackedFiles, walkFiles } = require('./checklist/files.js')
const { scanFiles, scanHistory } = require('./checklist/scan.js')
const { checkEnvFiles } = require('./checklist/env-files.js')
const { checkFiles, checkHistory } = require('./checklist/secrets.js')
const { checkCredentialAge } = require('./checklist/age.js')
const { CodeUses } = require('./checklist/code-checks.js')
const { formatJson, formatText, totals } = require('./checklist/format.js')
const { formatSarif } = require('./checklist/sarif.js')
const { BASELINE_FILE, baselineText, markAccepted, readBaseline } = require('./checklist/accepted.js')
const { EXIT_FAILED, EXIT_OK, UsageError, parseCommandLine } = require('./usage.js')

const DEFAULT_MAX_AGE_DAYS = 90

const usage = `Usage: customerio-security audit [options] [DIR]

Runs the Customer.io security checklist on DIR (default: the current directory)
and prints each check as PASS, WARN or FAIL:

  git-repository        DIR is in a git work tree (outside git: WARN, the files
                        are read from disk and the git checks are skipped)
  env-files             no .env file is tracked (FAIL), none is left unignored
                        (FAIL), and .env is covered by .gitignore (else WARN)
  secrets-in-files      no Customer.io credential in the tracked files (FAIL)
  secrets-in-history    none in any commit of any ref, also when later deleted
                        (FAIL: deleting a file does not remove it from history;
                        rotate the key)
  credential-age        CUSTOMERIO_KEYS_ROTATED_AT (YYYY-MM-DD) within the
                        rotation schedule: PASS; overdue: WARN; more than twice
                        the schedule: FAIL; not set: WARN; unreadable or in the
                        future: FAIL
  webhook-verification  customerioWebhook/verifyWebhook/verifyRequestSignature
                        used in the code (else WARN)
  pii-sanitization      sanitizeAttributes/createSanitizer/secureTrackClient
                        used in the code (else WARN)

A credential is a CUSTOMERIO_*KEY/SECRET/SITE_ID/TOKEN variable assigned a literal
value, a 20- or 32-hex string near a Customer.io word (customerio, cio, track,
site_id, api_key...), or a Basic/Bearer header built from such keys. Values that
look written for tests (test-..., anything with fake or example, one character
repeated) are not counted. Findings show file, line and commit, and the secret
masked (first 4 characters + ****).

A finding that is not a live key (a test fixture) is accepted, and no longer
fails the audit, by a comment on its line, customerio-security: allow (or on the
line before, customerio-security: allow-next-line), or by its fingerprint in the
baseline file (for lines in past commits). Accepted findings are still listed in
JSON and SARIF.

Options:
  --format F           text (default), json (one JSON object, for CI) or sarif
                       (SARIF 2.1.0, for code-scanning UIs)
  --json               the same as --format json
  --baseline FILE      accepted findings (default: DIR/${BASELINE_FILE}
                       when it exists)
  --update-baseline    write every finding not accepted inline into the
                       baseline file, then report as usual
  --max-age-days N     the rotation schedule in days (default ${DEFAULT_MAX_AGE_DAYS})
  --no-history         skip the git history scan (large repositories)
  -h, --help           show this help

Exit status: 0 no check failed (warnings allowed), 1 a check failed, 2 usage
error (DIR is not a directory, bad option).
`

async function run(args, io) {
  const options = parseOptions(args)
  if (options.help) {
    io.stdout.write(usage)
    return EXIT_OK
  }
  const dir = path.resolve(options.dir)
  const stat = await fs.stat(dir).catch(() => null)
  if (stat === null || !stat.isDirectory()) throw new UsageError(`${options.dir} is not a directory`)

  const report = await audit(dir, options, io.env)
  report.shownDir = options.dir
  if (options.format === 'json') io.stdout.write(formatJson(report))
  else if (options.format === 'sarif') io.stdout.write(formatSarif(report, require('../../package.json').version))
  else io.stdout.write(formatText(report))
  return totals(report.checks).fail > 0 ? EXIT_FAILED : EXIT_OK
}

function parseOptions(args) {
  const parsed = parseCommandLine(args, {
    json: { type: 'boolean', default: false },
    format: { type: 'string' },
    baseline: { type: 'string' },
    'update-baseline': { type: 'boolean', default: false },
    'max-age-days': { type: 'string' },
    'no-history': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  })
  const { values, positionals } = parsed
  if (positionals.length > 1) throw new UsageError('at most one DIR')
  let maxAgeDays = DEFAULT_MAX_AGE_DAYS
  if (values['max-age-days'] !== undefined) {
    maxAgeDays = Number(values['max-age-days'])
    if (!Number.isSafeInteger(maxAgeDays) || maxAgeDays <= 0)
      throw new UsageError('--max-age-days must be a whole number > 0')
  }
  if (values.format !== undefined && !['text', 'json', 'sarif'].includes(values.format))
    throw new UsageError('--format must be text, json or sarif')
  if (values.json && values.format !== undefined && values.format !== 'json')
    throw new UsageError('--json and --format disagree')
  const format = values.json ? 'json' : (values.format ?? 'text')
  return {
    dir: positionals[0] ?? '.',
    format,
    baseline: values.baseline,
    updateBaseline: values['update-baseline'],
    maxAgeDays,
    history: !values['no-history'],
    help: values.help,
  }
}

async function audit(dir, options, env) {
  const checks = []
  const top = await git(dir, ['rev-parse', '--show-toplevel'])
  const inGit = top.code === 0
  const gitRoot = inGit ? top.stdout.trim() : null
  const listed = inGit ? await trackedFiles(dir) : null

  if (inGit && listed !== null) {
    // The root's absolute path is in --json (gitRoot); the text names no machine path.
    const where = path.relative(gitRoot, await fs.realpath(dir)) || 'its root'
    checks.push({
      id: 'git-repository',
      title: 'in a git work tree',
      status: 'pass',
      summary: `git work tree (audited at ${where}), ${listed.paths.length} tracked files${listed.truncated ? ' (list truncated)' : ''}`,
      details: [],
    })
  } else {
    const why =
      top.code === null
        ? 'git is not installed or could not be run'
        : `not a git repository (git: ${firstLine(top.stderr) || 'no answer'})`
    checks.push({
      id: 'git-repository',
      title: 'in a git work tree',
      status: 'warn',
      summary: `${why}: files are read from disk; the .env and history checks are skipped`,
      details: [],
    })
  }
  const files = inGit && listed !== null ? listed : await walkFiles(dir)

  const uses = new CodeUses()
  const current = await scanFiles(dir, files.paths, (file, text) => uses.add(file, text))
  const baselineFile = options.baseline === undefined ? path.join(dir, BASELINE_FILE) : path.resolve(options.baseline)
  const baseline = await readBaseline(baselineFile, {
    required: options.baseline !== undefined && !options.updateBaseline,
  })
  const history = inGit && listed !== null && options.history ? await scanHistory(dir) : null
  markAccepted(current, baseline)
  if (history !== null) markAccepted(history.findings, baseline)
  if (options.updateBaseline) {
    await fs.writeFile(baselineFile, baselineText([...current, ...(history?.findings ?? [])], baseline))
    const accepted = await readBaseline(baselineFile, { required: true })
    markAccepted(current, accepted)
    if (history !== null) markAccepted(history.findings, accepted)
  }

  if (inGit && listed !== null) checks.push(await checkEnvFiles(dir, listed.paths))
  else
    checks.push({
      id: 'env-files',
      title: '.env files ignored by git and none tracked',
      status: 'warn',
      summary: 'skipped: not a git repository',
      details: [],
    })

  checks.push(checkFiles(current, files.paths.length, inGit))

  if (!inGit || listed === null) {
    checks.push({
      id: 'secrets-in-history',
      title: 'no Customer.io credentials anywhere in git history',
      status: 'warn',
      summary: 'skipped: not a git repository',
      details: [],
      findings: [],
    })
  } else if (!options.history) {
    checks.push({
      id: 'secrets-in-history',
      title: 'no Customer.io credentials anywhere in git history',
      status: 'warn',
      summary: 'skipped (--no-history)',
      details: [],
      findings: [],
    })
  } else {
    checks.push(checkHistory(history, current))
  }

  checks.push(checkCredentialAge(env.CUSTOMERIO_KEYS_ROTATED_AT, options.maxAgeDays))
  checks.push(...uses.checks())
  return { dir, gitRoot, gitPrefix: gitRoot === null ? null : path.relative(gitRoot, await fs.realpath(dir)), checks }
}

module.exports = { run, usage }
