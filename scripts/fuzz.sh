#!/usr/bin/env bash
# Runs each cargo-fuzz target of fuzz/ for a bounded time and prints one line per target.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s each, all targets)
#   FUZZ_SECONDS=300 scripts/fuzz.sh sanitize_json
#
# A manual tool, not run by CI or `npm test`: it needs `cargo install cargo-fuzz` once. libFuzzer
# needs nightly-only compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
# Each target starts from the committed seeds (fuzz/seeds/<target>) plus the corpus grown by
# earlier runs (fuzz/corpus/<target>, ignored by git). A crash leaves its input in
# fuzz/artifacts/<target>/; replay it with `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>`.
# Exits 1 if any target failed.
set -euo pipefail

cd "$(dirname "$0")/../fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is missing: cargo install cargo-fuzz" >&2
  exit 2
fi

seconds="${FUZZ_SECONDS:-60}"
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
  seconds="$1"
  shift
fi
if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  mapfile -t targets < <(RUSTC_BOOTSTRAP=1 cargo fuzz list)
fi

export RUSTC_BOOTSTRAP=1
mkdir -p logs
# Built once up front (-O: release with debug assertions), so the time budget is all fuzzing.
if ! cargo fuzz build -O >logs/build.log 2>&1; then
  cat logs/build.log >&2
  exit 2
fi

failed=0
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  log="logs/$target.log"
  # -timeout: one input taking over 10 s counts as a hang; -rss_limit_mb bounds memory.
  if cargo fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
  corpus=$(find "corpus/$target" -type f | wc -l)
  printf '%-16s %-6s %12s runs in %ss, coverage %s edges, corpus %s inputs (log: fuzz/%s)\n' \
    "$target" "$status" "${runs:-?}" "$seconds" "${cov:-?}" "$corpus" "$log"
done
exit "$failed"
