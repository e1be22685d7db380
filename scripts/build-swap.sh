#!/usr/bin/env bash
# Rebuilds the addon while other processes (tests, benchmarks) may have it loaded: the new
# .node is moved into place with a rename, so a running process keeps its mapped old file
# instead of crashing on one rewritten under it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
node scripts/build.mjs -o "$out"
cp "$out/binding.js" binding.js
cp "$out/binding.d.ts" binding.d.ts
mv "$out/customerio-security.linux-x64-gnu.node" customerio-security.linux-x64-gnu.node.new
mv -f customerio-security.linux-x64-gnu.node.new customerio-security.linux-x64-gnu.node
rm -rf "$out"
