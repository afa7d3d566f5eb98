#!/usr/bin/env bash
# Builds the app into dist/ (serve this folder and open index.html), and prints what the
# .wasm weighs, and what the same page weighs without stackquery (the `baseline`
# feature): the difference is what the crate costs an app.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
size() { # name, features
  cargo build --release --target wasm32-unknown-unknown --quiet ${2:+--features "$2"}
  rm -rf "$1" && wasm-bindgen --target web --out-dir "$1" "${CARGO_TARGET_DIR:-target}"/wasm32-unknown-unknown/release/todo_app.wasm
  wasm-opt -Oz --strip-debug --strip-producers "$1/todo_app_bg.wasm" -o "$1/todo_app_bg.wasm"
  echo "$1: .wasm $(stat -c %s "$1/todo_app_bg.wasm") B raw, $(gzip -9 -c "$1/todo_app_bg.wasm" | wc -c) B gzip -9; glue $(gzip -9 -c "$1/todo_app.js" | wc -c) B gzip -9"
}
size baseline-dist baseline
size dist ""
