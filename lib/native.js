'use strict'

// The napi-generated loader picks the addon built for this platform.
module.exports = require('../binding.js')
