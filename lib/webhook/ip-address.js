'use strict'

// IP addresses as the allow-list compares them, and lists of addresses and CIDR ranges.

const net = require('node:net')

const { typeError } = require('../errors.js')

/**
 * An address as the guard compares it: IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack
 * server reports for an IPv4 client) as the IPv4 address, an IPv6 zone (`%eth0`) removed, and
 * `[brackets]` removed. `null` for anything that is not an IP address.
 */
function normalizeAddress(value) {
  if (typeof value !== 'string') return null
  let address = value.trim()
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1)
  const zone = address.indexOf('%')
  if (zone !== -1 && address.includes(':')) address = address.slice(0, zone)
  const family = net.isIP(address)
  if (family === 4) return address
  if (family !== 6) return null
  return ipv4Mapped(address) ?? address.toLowerCase()
}

/**
 * The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, `::ffff:102:304`,
 * `0:0:0:0:0:ffff:1.2.3.4`), or null. `address` is a valid IPv6 address.
 */
function ipv4Mapped(address) {
  const lower = address.toLowerCase()
  const lastColon = lower.lastIndexOf(':')
  const tail = lower.slice(lastColon + 1)
  let head = lower.slice(0, lastColon + 1)
  let low
  if (net.isIPv4(tail)) {
    low = tail
  } else {
    // Hex form: the last two groups hold the IPv4 address.
    const groups = lower.split(':')
    const a = groups[groups.length - 2]
    const b = groups[groups.length - 1]
    if (!/^[0-9a-f]{1,4}$/.test(a ?? '') || !/^[0-9a-f]{1,4}$/.test(b)) return null
    const hi = parseInt(a, 16)
    const lo = parseInt(b, 16)
    low = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
    head = lower.slice(0, lower.length - a.length - b.length - 1)
  }
  // What comes before must be 80 zero bits and ffff: `::ffff:` or `0:0:0:0:0:ffff:` (any zero spelling).
  return /^(?:::|(?:0{1,4}:){1,4}:|(?:0{1,4}:){5})ffff:$/.test(head) ? low : null
}

/** A `BlockList` of addresses and CIDR ranges; throws a coded TypeError naming the bad entry's position. */
function addressList(entries, what) {
  if (!Array.isArray(entries))
    throw typeError('ERR_INVALID_ARGUMENT', `${what} must be an array of IP addresses or CIDR ranges`)
  const list = new net.BlockList()
  entries.forEach((entry, index) => {
    const [address, prefix, extra] = typeof entry === 'string' ? entry.split('/') : []
    const normal = normalizeAddress(address)
    const family = normal === null ? 0 : net.isIP(normal)
    const bits = prefix === undefined ? null : Number(prefix)
    const maxBits = family === 4 ? 32 : 128
    if (
      family === 0 ||
      extra !== undefined ||
      (bits !== null && !(Number.isInteger(bits) && bits >= 0 && bits <= maxBits && /^\d+$/.test(prefix)))
    ) {
      throw typeError('ERR_INVALID_ARGUMENT', `${what}[${index}] is not an IP address or CIDR range`)
    }
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (bits === null) list.addAddress(normal, type)
    else list.addSubnet(normal, bits, type)
  })
  return list
}

function contains(list, address) {
  return list.check(address, net.isIPv4(address) ? 'ipv4' : 'ipv6')
}

module.exports = { addressList, contains, normalizeAddress }
