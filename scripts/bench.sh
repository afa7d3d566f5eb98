#!/usr/bin/env bash
# Benchmark: stackquery against @tanstack/query-core (+ its persisters over idb-keyval) in headless
# Chromium: cache hits, persisting to IndexedDB, cold start, prefix invalidation, main-thread
# blocking, size and memory. Not part of the test suite. Takes about 3–4 minutes on 2 cores.
# Prints a Markdown table (medians of interleaved rounds, target and met/missed per row) and writes
# it with the method, date and machine to bench/RESULTS.md.
# Needs what scripts/demo.sh installs (Rust + wasm-bindgen, node_modules, /usr/bin/chromium).
# Env: PKG_DIR (package folder to build and measure, default pkg), ROUNDS (5), MEM_ROUNDS (3), RAW=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-package.sh
node www/bench/compare.mjs
