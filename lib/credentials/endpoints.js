'use strict'

// Customer.io's regions and their Track API v1 base URLs, and the checks on a configured region
// or URL. Errors name the variable, never its value.

const { CustomerioSecurityError } = require('../errors.js')

const TRACK_URLS = Object.freeze({
  us: 'https://track.customer.io/api/v1',
  eu: 'https://track-eu.customer.io/api/v1',
})

/** The App API's base URLs (Bearer App API key): access exports, erasure checks, the source-address list. */
const APP_API_URLS = Object.freeze({
  us: 'https://api.customer.io/v1',
  eu: 'https://api-eu.customer.io/v1',
})

/** 'us' | 'eu' from a configured value (any case); undefined means the default, 'us'. */
function parseRegion(value, variable = 'CUSTOMERIO_REGION') {
  if (value === undefined) return 'us'
  const region = value.toLowerCase()
  if (region === 'us' || region === 'eu') return region
  throw invalid(variable, "must be 'us' or 'eu'")
}

/**
 * The v1 base URL without a trailing slash: the configured one, else the region's. Plain http
 * would send the site id and API key in cleartext: it is refused unless the host is this machine
 * (a local test server, a sidecar proxy) or the caller allows it explicitly.
 */
function parseTrackUrl(value, region, variable = 'CUSTOMERIO_TRACK_URL', allowInsecure = false, defaults = TRACK_URLS) {
  if (value === undefined) return defaults[region]
  let url
  try {
    url = new URL(value)
  } catch {
    throw invalid(variable, 'is not a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(variable, 'must be an http(s) URL')
  // Credentials in the URL would be sent and logged with it; they belong in the key variables.
  if (url.username !== '' || url.password !== '') throw invalid(variable, 'must not contain a user or password')
  if (url.search !== '' || url.hash !== '') throw invalid(variable, 'must not have a query or fragment')
  if (url.protocol === 'http:' && !allowInsecure && !isLoopback(url.hostname)) {
    throw invalid(
      variable,
      'must be https: plain http would send the API key in cleartext (http is accepted for a loopback host, or with allowInsecureTrackUrl / --allow-insecure-track-url)',
    )
  }
  return url.href.replace(/\/+$/, '')
}

/** The App API base URL: CUSTOMERIO_APP_API_URL (https, or http to a loopback host), else the region's. */
function parseAppApiUrl(value, region, variable = 'CUSTOMERIO_APP_API_URL') {
  return parseTrackUrl(value, region, variable, false, APP_API_URLS)
}

/** localhost, 127.0.0.0/8 or ::1: traffic that never leaves the machine. */
function isLoopback(hostname) {
  if (hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]') return true
  return /^127(?:\.\d{1,3}){3}$/.test(hostname)
}

function invalid(variable, problem) {
  const error = new CustomerioSecurityError('ERR_INVALID_CREDENTIAL', `${variable} ${problem}`)
  error.variable = variable
  return error
}

module.exports = { APP_API_URLS, TRACK_URLS, invalid, isLoopback, parseAppApiUrl, parseRegion, parseTrackUrl }
