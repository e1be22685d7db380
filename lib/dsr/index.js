'use strict'

// Data subject requests: access exports from the App API, and the requests' receipts and legal
// deadlines in the audit log.

const { exportPerson } = require('./export.js')
const { recordRequest, requestStatus } = require('./requests.js')

module.exports = { exportPerson, recordRequest, requestStatus }
