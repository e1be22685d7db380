'use strict'

// Erasure (GDPR/CCPA) through a customerio-node TrackClient: one person, or a resumable bulk
// run with a journal, a rate cap, retries and an audit record per person.

const { eraseMany } = require('./bulk.js')
const { erasePerson } = require('./person.js')
const { MAX_ID_BYTES, MODES } = require('./validate.js')

module.exports = { ERASURE_MODES: MODES, MAX_ID_BYTES, eraseMany, erasePerson }
