'use strict'

// The native addon for this platform, found by napi's generated loader (binding.js, regenerated
// by every build, so not edited by hand). When none loads, the error says what to do
// (native/load-error.js) and keeps the loader's own error as its `cause`.

let binding
try {
  binding = require('../binding.js')
} catch (error) {
  throw require('./native/load-error.js').nativeLoadError(error)
}
module.exports = binding
