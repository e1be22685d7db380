'use strict'

// De-duplication of webhook deliveries: the stores users pass as `dedupe`, and the receiver's step.

const { memoryDedupeStore } = require('./memory.js')
const { redisDedupeStore } = require('./redis.js')
const { createDedupe, dedupeKey, NOOP } = require('./guard.js')

module.exports = { NOOP, createDedupe, dedupeKey, memoryDedupeStore, redisDedupeStore }
