'use strict'

// The de-duplication store for several instances: one Redis shared by all of them. The claim
// is a single `SET key value NX PX lease`, atomic in Redis, so of two instances racing on one
// event exactly one gets it. Takes the application's own connected client: node-redis v4/v5
// (`createClient()`, or a cluster) or ioredis, told apart by duck typing.

const { CustomerioSecurityError, typeError } = require('../../errors.js')
const { timings } = require('./options.js')

const DEFAULT_PREFIX = 'customerio-security:dedupe:'
// Customer.io waits 4 s for an answer: a store slower than this is treated as down (503, and
// Customer.io retries) rather than letting the delivery time out.
const DEFAULT_TIMEOUT_MS = 1000
const PENDING = 'p:'
const DONE = 'd'
// Deletes the key only if it is still this delivery's claim (compare-and-delete is not one
// command in Redis before 8.4, so a script keeps it atomic).
const RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
// Extends the lease only if the key is still this delivery's claim.
const RENEW_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"

function unavailable(message, cause) {
  return new CustomerioSecurityError('ERR_DEDUPE_UNAVAILABLE', message, cause === undefined ? undefined : { cause })
}

/** The four commands the store needs, in the calling convention of the client it was given. */
function commandsFor(client) {
  if (client === null || typeof client !== 'object' || typeof client.set !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'redisDedupeStore needs a connected node-redis (v4/v5) or ioredis client')
  }
  if (typeof client.isReady === 'boolean') {
    // node-redis: options objects. While it reconnects, commands wait in its offline queue
    // (for as long as the outage lasts), so a client that is not ready counts as down at once.
    return {
      ready: () => client.isReady,
      setNx: (key, value, ms) => client.set(key, value, { PX: ms, NX: true }),
      set: (key, value, ms) => client.set(key, value, { PX: ms }),
      get: (key) => client.get(key),
      release: (key, value) => client.eval(RELEASE_SCRIPT, { keys: [key], arguments: [value] }),
      renew: (key, value, ms) => client.eval(RENEW_SCRIPT, { keys: [key], arguments: [value, String(ms)] }),
      configGet: (name) => client.sendCommand(['CONFIG', 'GET', name]),
    }
  }
  if (typeof client.status === 'string' && typeof client.eval === 'function') {
    // ioredis: positional arguments; `status` is 'ready' once connected. With `lazyConnect` it is
    // 'wait' until the first command, which connects ('connecting', 'connect', then 'ready'): a
    // store that refused to send one would never see it ready. Commands sent meanwhile wait in
    // its queue, within the store's timeout; while it reconnects after a loss they fail at once.
    const FIRST_CONNECTION = new Set(['ready', 'wait', 'connecting', 'connect'])
    let connectedOnce = false
    return {
      ready: () => {
        if (client.status === 'ready') connectedOnce = true
        return client.status === 'ready' || (!connectedOnce && FIRST_CONNECTION.has(client.status))
      },
      setNx: (key, value, ms) => client.set(key, value, 'PX', ms, 'NX'),
      set: (key, value, ms) => client.set(key, value, 'PX', ms),
      get: (key) => client.get(key),
      release: (key, value) => client.eval(RELEASE_SCRIPT, 1, key, value),
      renew: (key, value, ms) => client.eval(RENEW_SCRIPT, 1, key, value, ms),
      configGet: (name) => client.call('CONFIG', 'GET', name),
    }
  }
  throw typeError('ERR_INVALID_ARGUMENT', 'redisDedupeStore needs a connected node-redis (v4/v5) or ioredis client')
}

function redisDedupeStore(client, options = {}) {
  const commands = commandsFor(client)
  const { ttlSeconds, leaseSeconds } = timings(options, 'redisDedupeStore')
  const prefix = options.prefix === undefined ? DEFAULT_PREFIX : options.prefix
  if (typeof prefix !== 'string') throw typeError('ERR_INVALID_DEDUPE', 'prefix must be a string')
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : options.timeoutMs
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw typeError('ERR_INVALID_DEDUPE', 'timeoutMs must be a whole number of milliseconds >= 1')
  }
  // Redis keeps whole milliseconds.
  const ttlMs = Math.ceil(ttlSeconds * 1000)
  const leaseMs = Math.ceil(leaseSeconds * 1000)

  async function run(what, command) {
    if (!commands.ready()) throw unavailable(`Redis is not ready (not connected, or reconnecting): ${what} refused`)
    let timer
    const timeout = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(unavailable(`Redis did not answer ${what} within ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      return await Promise.race([command(), timeout])
    } catch (error) {
      if (error instanceof CustomerioSecurityError) throw error
      throw unavailable(`Redis ${what} failed: ${error && error.message}`, error)
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * What the server persists, read with CONFIG GET: `{ aof, rdb }`, or `null` when the server does
   * not say (managed Redis often forbids CONFIG). Asked once, when the store is built.
   */
  let persistenceRead
  function persistence() {
    if (persistenceRead === undefined) {
      persistenceRead = readPersistence(commands, timeoutMs).then((found) => {
        if (found !== null && !found.aof && !found.rdb && options.warnWithoutPersistence !== false) {
          process.emitWarning(
            'the Redis server behind redisDedupeStore persists nothing (appendonly no, save ""): a restart ' +
              'forgets which events were handled, and their next copies are handled again',
            { type: 'CustomerioSecurityWarning', code: 'CUSTOMERIO_DEDUPE_NOT_PERSISTENT' },
          )
        }
        return found
      })
    }
    return persistenceRead
  }
  persistence()

  return {
    ttlSeconds,
    leaseSeconds,
    async claim(key, token) {
      // 'OK' when set; null when the key exists.
      const reply = await run('claim', () => commands.setNx(prefix + key, PENDING + token, leaseMs))
      return reply !== null && reply !== undefined
    },
    async commit(key, token) {
      // Unconditional: even if the lease ran out, this delivery was handled, so its key is done.
      await run('commit', () => commands.set(prefix + key, DONE, ttlMs))
    },
    async release(key, token) {
      await run('release', () => commands.release(prefix + key, PENDING + token))
    },
    async renew(key, token) {
      const reply = await run('renew', () => commands.renew(prefix + key, PENDING + token, leaseMs))
      return Number(reply) === 1
    },
    persistence,
    async isDone(key) {
      const value = await run('read', () => commands.get(prefix + key))
      return value !== null && value !== undefined && String(value) === DONE
    },
  }
}

/** `CONFIG GET appendonly` and `save`: `{ aof, rdb }`, or null when they cannot be read. */
async function readPersistence(commands, timeoutMs) {
  const ask = async (name) => {
    let timer
    const timeout = new Promise((resolve) => {
      // A server that does not answer says nothing: no warning either way.
      timer = setTimeout(() => resolve(null), Math.max(timeoutMs, 5000))
      timer.unref()
    })
    try {
      const reply = await Promise.race([commands.configGet(name), timeout])
      return configValue(reply, name)
    } catch {
      return null
    } finally {
      clearTimeout(timer)
    }
  }
  const [appendonly, save] = await Promise.all([ask('appendonly'), ask('save')])
  if (appendonly === null || save === null) return null
  return { aof: appendonly === 'yes', rdb: save.trim() !== '' }
}

/** The value in a CONFIG GET reply: `[name, value]` (RESP2) or `{ name: value }` (RESP3). */
function configValue(reply, name) {
  if (Array.isArray(reply)) {
    const at = reply.findIndex((item) => String(item).toLowerCase() === name)
    return at >= 0 && at + 1 < reply.length ? String(reply[at + 1]) : null
  }
  if (reply !== null && typeof reply === 'object' && name in reply) return String(reply[name])
  return null
}

module.exports = { DEFAULT_PREFIX, DEFAULT_TIMEOUT_MS, redisDedupeStore }
