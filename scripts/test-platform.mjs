#!/usr/bin/env node
// The tests the release workflow runs against each platform's addon (macOS, Windows, ARM, Alpine),
// on the Node that runs this script: the ones that exercise the native addon (webhook
// verification and its adapters, the sanitizer, panics, module formats, the loader) and need no
// Linux-only tool. The full suite (`npm test`: lint, cargo test, redis, the pack test on Node 20,
// 22 and 24 from Linux dev dependencies) runs on Linux x64 in ci.yml.
//
//   node scripts/test-platform.mjs            (`npm run test:platform`)
//
// Node 20 has no glob in `--test`, and Windows shells expand none, so the files are listed here.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export const PLATFORM_TESTS = [
  '__test__/webhook/oracle.test.mjs',
  '__test__/webhook/failures.test.mjs',
  '__test__/webhook/fetch.test.mjs',
  '__test__/webhook/node-http.test.mjs',
  '__test__/webhook/fastify.test.mjs',
  '__test__/webhook/express-middleware.test.mjs',
  '__test__/webhook/pipelines-verify.test.mjs',
  '__test__/sanitize/shapes.test.mjs',
  '__test__/sanitize/bad-input.test.mjs',
  '__test__/sanitize/detectors.test.mjs',
  '__test__/sanitize/objects.test.mjs',
  '__test__/sanitize/detectors-text.test.mjs',
  '__test__/sanitize/bulk-async.test.mjs',
  '__test__/package/panic-safety.test.mjs',
  '__test__/package/module-formats.test.mjs',
  '__test__/package/loader-error.test.mjs',
  '__test__/package/glibc-floor.test.mjs',
]

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = PLATFORM_TESTS.filter((file) => !existsSync(`${ROOT}${file}`))
  if (missing.length > 0) {
    console.error(`test-platform: listed test files are gone (update scripts/test-platform.mjs): ${missing.join(', ')}`)
    process.exit(2)
  }
  // The WebAssembly build (NAPI_RS_FORCE_WASI) has no .node file for the loader and ELF tests.
  const files = process.env.NAPI_RS_FORCE_WASI
    ? PLATFORM_TESTS.filter((file) => !file.startsWith('__test__/package/'))
    : PLATFORM_TESTS
  const run = spawnSync(process.execPath, ['--test', ...files], { cwd: ROOT, stdio: 'inherit' })
  process.exit(run.status ?? 1)
}
