#!/usr/bin/env node
// The root package.json as it is packed: without `scripts.prepare`. In a clone, `prepare` builds
// the Rust addon on `npm install`; in the published package it has nothing to build (the addon
// comes in the platform package) and npm would list it to every installer as an install script.
//
//   node scripts/manifest-for-pack.mjs strip     (package.json "prepack")
//   node scripts/manifest-for-pack.mjs restore   (package.json "postpack")
//
// npm runs prepack before it reads the manifest it packs (and before `prepare`, which is then
// gone), and postpack after. `strip` keeps the exact original text in package.json.packing,
// created exclusively: a second pack running at the same time fails instead of saving the
// stripped text as the original. `restore` puts it back byte for byte. If a pack dies between
// the two, run `restore` by hand.

import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const MANIFEST = fileURLToPath(new URL('../package.json', import.meta.url))
const SAVED = `${MANIFEST}.packing`

const step = process.argv[2]
if (step === 'strip') {
  const text = readFileSync(MANIFEST, 'utf8')
  try {
    writeFileSync(SAVED, text, { flag: 'wx' })
  } catch (error) {
    if (error.code !== 'EEXIST') throw error
    console.error(
      'manifest-for-pack: package.json.packing exists: another pack is running, or one died (then: node scripts/manifest-for-pack.mjs restore)',
    )
    process.exit(1)
  }
  const manifest = JSON.parse(text)
  delete manifest.scripts.prepare
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`)
} else if (step === 'restore') {
  renameSync(SAVED, MANIFEST)
} else {
  console.error('usage: node scripts/manifest-for-pack.mjs strip|restore')
  process.exit(2)
}
