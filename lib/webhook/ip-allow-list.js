'use strict'

// A guard that lets through only requests from Customer.io's published source addresses: the
// protection Customer.io advises for Journeys webhook actions, which it signs with a key users
// cannot get. One object serves every adapter: Express/connect middleware (it is a function),
// a node:http check, a Fastify onRequest hook and a Web Request check.
//
// The client address is the socket's peer. X-Forwarded-For is read only when the caller says
// which proxies to trust (a hop count, or their addresses): anyone can send that header, so by
// default it is ignored, and with a trusted proxy only the entries the proxies appended count.

const { typeError } = require('../errors.js')
const { CUSTOMERIO_IP_ADDRESSES } = require('./customerio-ips.js')
const { addressList, contains, normalizeAddress } = require('./ip-address.js')
const { refreshIpAllowList } = require('./ip-refresh.js')

const REGIONS = ['us', 'eu']
const { refusal } = require('./refusals.js')

const REFUSED = refusal('IP_NOT_ALLOWED')
/**
 * How the client's address is found: `false` (default) the socket peer only; a number n, the
 * n-th address from the right of `[...X-Forwarded-For, peer]` (n proxies in front, each
 * appending what it saw); a list of proxy addresses/ranges, the right-most address not in it.
 */
function trustPolicy(value) {
  if (value === undefined || value === false || value === 0) return { hops: 0, proxies: null }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw typeError(
        'ERR_INVALID_ARGUMENT',
        'trustProxy must be false, a whole number of proxies, or a list of proxy addresses',
      )
    }
    return { hops: value, proxies: null }
  }
  if (Array.isArray(value)) return { hops: 0, proxies: addressList(value, 'trustProxy') }
  throw typeError(
    'ERR_INVALID_ARGUMENT',
    'trustProxy must be false, a whole number of proxies, or a list of proxy addresses',
  )
}

/** The X-Forwarded-For entries, left to right (a repeated header is its copies in order). */
function forwardedEntries(header) {
  if (header === undefined || header === null) return []
  const text = Array.isArray(header) ? header.join(',') : String(header)
  return text === '' ? [] : text.split(',').map((part) => part.trim())
}

/** The client's address under `trust`, normalized, or null when it is no address. */
function resolveClient(peer, forwardedFor, trust) {
  const chain = [...forwardedEntries(forwardedFor), peer]
  if (trust.proxies !== null) {
    let index = chain.length - 1
    while (index > 0) {
      const address = normalizeAddress(chain[index])
      if (address === null || !contains(trust.proxies, address)) break
      index--
    }
    return normalizeAddress(chain[index])
  }
  // Fewer entries than proxies: the left-most is as far as the chain reaches.
  return normalizeAddress(chain[Math.max(0, chain.length - 1 - trust.hops)])
}

function regionsOf(value) {
  const regions = value === undefined ? REGIONS : value
  if (!Array.isArray(regions) || regions.length === 0 || regions.some((region) => !REGIONS.includes(region))) {
    throw typeError('ERR_INVALID_ARGUMENT', "regions must be a non-empty list of 'us' and 'eu'")
  }
  return [...new Set(regions)]
}

/**
 * `customerioIpAllowList({ regions?, trustProxy?, addresses?, onRefused? })`: the guard, itself
 * an Express/connect middleware, with `.node(req, res)`, `.fastify` (onRequest hook),
 * `.fetch(request, clientAddress)`, `.allows(address)`, `.update(region, addresses)` and
 * `.refresh(options)`.
 */
function customerioIpAllowList(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', 'customerioIpAllowList options must be an object')
  }
  const regions = regionsOf(options.regions)
  const trust = trustPolicy(options.trustProxy)
  const extra = options.addresses === undefined ? [] : options.addresses
  addressList(extra, 'addresses')
  const onRefused = options.onRefused
  if (onRefused !== undefined && typeof onRefused !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'onRefused must be a function')
  }
  const current = {}
  for (const region of regions) current[region] = [...CUSTOMERIO_IP_ADDRESSES[region]]
  let list = build()

  function build() {
    return addressList([...regions.flatMap((region) => current[region]), ...extra], 'addresses')
  }

  function allows(address) {
    const normal = normalizeAddress(address)
    return normal !== null && contains(list, normal)
  }

  /** Whether a request from `peer` with this X-Forwarded-For passes; tells onRefused if not. */
  function admit(peer, forwardedFor, request) {
    const client = resolveClient(peer, forwardedFor, trust)
    if (client !== null && contains(list, client)) return true
    if (onRefused !== undefined) onRefused(client, request)
    return false
  }

  function refuseNode(res) {
    const text = JSON.stringify(REFUSED.payload)
    res.statusCode = REFUSED.status
    res.setHeader('content-type', 'application/json; charset=utf-8')
    res.setHeader('content-length', Buffer.byteLength(text))
    res.end(text)
  }

  function middleware(req, res, next) {
    if (admit(req.socket.remoteAddress, req.headers['x-forwarded-for'], req)) next()
    else refuseNode(res)
  }

  Object.defineProperties(middleware, {
    name: { value: 'customerioIpAllowList' },
    /** For node:http: true when the request may go on; otherwise it has been answered 403. */
    node: {
      value(req, res) {
        if (admit(req.socket.remoteAddress, req.headers['x-forwarded-for'], req)) return true
        refuseNode(res)
        return false
      },
    },
    /** A Fastify onRequest hook. */
    fastify: {
      value: async function customerioIpAllowListHook(request, reply) {
        if (admit(request.raw.socket.remoteAddress, request.headers['x-forwarded-for'], request)) return
        await reply.code(REFUSED.status).send(REFUSED.payload)
      },
    },
    /**
     * For a Web `Request`, which carries no peer address: pass the one the runtime gives
     * (Bun's `server.requestIP(request).address`, Deno's `info.remoteAddr.hostname`, Hono's
     * `getConnInfo(c).remote.address`). `null` when it may go on, else a 403 `Response`.
     */
    fetch: {
      value(request, clientAddress) {
        if (admit(clientAddress, request.headers.get('x-forwarded-for'), request)) return null
        return new Response(JSON.stringify(REFUSED.payload), {
          status: REFUSED.status,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        })
      },
    },
    allows: { value: allows },
    /** The addresses allowed now (each region's list, then `addresses`). */
    addresses: { get: () => [...regions.flatMap((region) => current[region]), ...extra] },
    /** Replaces one region's list (checked whole first: a bad list changes nothing). */
    update: {
      value(region, addresses) {
        if (!regions.includes(region))
          throw typeError('ERR_INVALID_ARGUMENT', `this allow-list has no region '${region}'`)
        addressList(addresses, 'addresses')
        if (addresses.length === 0)
          throw typeError('ERR_INVALID_ARGUMENT', 'an empty address list would refuse every request')
        current[region] = [...addresses]
        list = build()
      },
    },
    /**
     * Fetches every region's live list from the App API and applies the ones that arrived. A
     * region that failed keeps its last good list; its error is in the result, never thrown.
     */
    refresh: {
      async value(refreshOptions) {
        const results = {}
        for (const region of regions) {
          try {
            const { addresses } = await refreshIpAllowList({ ...refreshOptions, region })
            middleware.update(region, addresses)
            results[region] = { ok: true, count: addresses.length }
          } catch (error) {
            results[region] = { ok: false, code: error.code ?? 'ERR_REFRESH_FAILED' }
          }
        }
        return results
      },
    },
  })
  return middleware
}

module.exports = { customerioIpAllowList, resolveClient, trustPolicy }
