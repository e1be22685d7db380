'use strict'

// Erasure proven: after the Track API accepted an erasure, ask the App API whether the person
// can still be found (GET /v1/customers/{id}/attributes: a 404 means gone). Customer.io applies
// deletions asynchronously, so a person still found is asked about again every `intervalMs`
// until `waitMs` has passed; still found then, or the App API failing, is a failed erasure.

const { typeError } = require('../errors.js')
const { AppApi, DEFAULT_APP_API_RATE } = require('../dsr/app-api.js')
const { RateLimiter } = require('./rate-limiter.js')
const { DEFAULT_POLICY, sleep } = require('./retry.js')
const { integerOption, numberOption } = require('./validate.js')

const DEFAULT_VERIFY_WAIT_MS = 60_000
const DEFAULT_VERIFY_INTERVAL_MS = 5_000
const ID_TYPES = ['id', 'email', 'cio_id']

/** The `verify` option checked: `{ client, waitMs?, intervalMs?, idType?, ratePerSecond? }`, or undefined. */
function verifyOptions(verify, defaultIdType = 'id') {
  if (verify === undefined || verify === false) return undefined
  if (verify === null || typeof verify !== 'object') {
    throw typeError('ERR_INVALID_OPTION', 'verify must be { client } with a customerio-node APIClient')
  }
  const { client } = verify
  const usable =
    client !== null &&
    typeof client === 'object' &&
    (typeof client.getAttributes === 'function' ||
      (typeof client.apiRoot === 'string' && typeof client.appKey === 'string'))
  if (!usable) throw typeError('ERR_INVALID_CLIENT', 'verify.client must be a customerio-node APIClient (App API)')
  const idType = verify.idType ?? defaultIdType
  if (!ID_TYPES.includes(idType))
    throw typeError('ERR_INVALID_OPTION', `verify.idType must be one of ${ID_TYPES.join(', ')}`)
  const rate = verify.ratePerSecond ?? DEFAULT_APP_API_RATE
  if (typeof rate !== 'number' || !(rate > 0) || rate > 10)
    throw typeError('ERR_INVALID_OPTION', 'verify.ratePerSecond must be > 0 and <= 10')
  return {
    client,
    idType,
    waitMs: numberOption('verify.waitMs', verify.waitMs, DEFAULT_VERIFY_WAIT_MS, 0),
    intervalMs: numberOption('verify.intervalMs', verify.intervalMs, DEFAULT_VERIFY_INTERVAL_MS, 1),
    policy: {
      ...DEFAULT_POLICY,
      maxAttempts: integerOption('verify.maxAttempts', verify.maxAttempts, DEFAULT_POLICY.maxAttempts, 1, 100),
    },
    rate,
  }
}

/** One verifier per run: its App API calls share one rate cap. */
class ErasureVerifier {
  constructor(config) {
    this.config = config
    this.api = new AppApi(config.client, { limiter: new RateLimiter(config.rate), policy: config.policy })
  }

  /** `{ verified, at, reason? }` for `id`. Never throws for an App API failure: that is an unproven erasure. */
  async check(id) {
    const { idType, waitMs, intervalMs } = this.config
    const startedAt = performance.now()
    for (;;) {
      let found
      try {
        found = (await this.api.get('attributes', { id, idType })) !== null
      } catch (error) {
        const why =
          error?.code === 'ERR_APP_API'
            ? error.status === null
              ? 'network error'
              : `http ${error.status}`
            : (error?.code ?? error?.name)
        return { verified: false, at: new Date(), reason: `verify: the App API could not be asked (${why})` }
      }
      if (!found) return { verified: true, at: new Date() }
      const waited = performance.now() - startedAt
      if (waited >= waitMs) {
        return {
          verified: false,
          at: new Date(),
          reason: `verify: still found by the App API after ${Math.round(waitMs / 1000)} s`,
        }
      }
      await sleep(Math.min(intervalMs, waitMs - waited))
    }
  }
}

/** Applies a verification to an erasure result: a person still found makes it a failure. */
function withVerification(result, verification) {
  const out = { ...result, verification }
  if (!verification.verified) {
    out.status = 'failed'
    out.reason = verification.reason
    out.lastStatus = null
  }
  return out
}

module.exports = {
  DEFAULT_VERIFY_INTERVAL_MS,
  DEFAULT_VERIFY_WAIT_MS,
  ErasureVerifier,
  verifyOptions,
  withVerification,
}
