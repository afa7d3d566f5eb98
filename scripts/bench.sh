#!/usr/bin/env bash
# Benchmark: stackquery against @tanstack/query-core (+ its persisters over idb-keyval) in headless
# Chromium: cache hits (getQueryData, fetchQuery, an observer's getCurrentResult), persisting to
# IndexedDB, cold start, prefix invalidation, main-thread blocking, size of the ./web entry's files,
# memory and module load. Not part of the test suite. Takes about 4–5 minutes on 2 cores.
# Prints a Markdown table (medians of interleaved rounds, target and met/missed per row) and writes
# it with the method, date and machine to bench/RESULTS.md.
# Needs what scripts/demo.sh installs (Rust + wasm-bindgen, node_modules, /usr/bin/chromium).
# Env: PKG_DIR (package folder to build and measure, default pkg), ROUNDS (5), MEM_ROUNDS (3),
# LOAD_ROUNDS (7 fresh pages per library for the module load), RAW=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-package.sh
node www/bench/compare.mjs
