'use strict'

// The addresses Customer.io sends webhooks (reporting webhooks and Journeys webhook actions)
// and custom-SMTP email from, per region, as its documentation published them. Customer.io
// signs webhook actions with a key of its own that users cannot get, so for those requests the
// source address is the check it advises. Refresh at run time from the App API
// (`refreshIpAllowList`); this copy is what a receiver starts with and falls back to.
// docs/design/customerio-ip-allow-list.md says where the list comes from and how to update it.

const CUSTOMERIO_IP_ADDRESSES = Object.freeze({
  source: 'https://docs.customer.io/accounts-and-workspaces/ip-addresses/ ("Email (Custom SMTP) and Webhook")',
  retrieved: '2026-11',
  us: Object.freeze([
    '35.188.196.183',
    '104.198.177.219',
    '104.154.232.87',
    '130.211.229.195',
    '104.198.221.24',
    '104.197.27.15',
    '35.194.9.154',
    '104.154.144.51',
    '104.197.210.12',
    '35.225.6.73',
    '35.192.215.166',
    '34.170.204.100',
  ]),
  eu: Object.freeze([
    '34.76.143.229',
    '34.78.91.47',
    '34.77.94.252',
    '35.187.188.242',
    '34.78.122.90',
    '35.195.137.235',
    '130.211.108.156',
    '104.199.50.18',
    '34.78.44.80',
    '35.205.31.154',
  ]),
})

module.exports = { CUSTOMERIO_IP_ADDRESSES }
