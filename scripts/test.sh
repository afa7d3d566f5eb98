#!/usr/bin/env bash
# Runs every test: the native core, engine and Rust face (cargo test), the Rust face in
# headless Chromium (examples/todo-app's wasm-bindgen-test suite), then the built package: its types, the
# browser suite (tests/browser/*.test.js through the package's web entry in headless
# Chromium, real IndexedDB, real Redis over REST), Node, Deno and workerd, and the host
# matrix (tests/app/matrix/: the packed tarball in fresh projects of every bundler and
# runtime, installed from the npm registry; about 5 minutes with npm's cache warm).
# Ends with one line "total: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
bash scripts/setup.sh

logs=$(mktemp -d)
step() { printf '\n== %s\n' "$1"; }

step "native: the core, the engine and the Rust face (cargo test), the package's LZMA decoder; the crate packages and documents clean"
cargo test --lib --test tanstack_vectors --test key_fuzz 2>&1 | tee "$logs/native.log"
# The package's LZMA decoder (unlzma/, a crate apart) against what xz writes.
cargo test --manifest-path unlzma/Cargo.toml --target-dir target/unlzma 2>&1 | tee -a "$logs/native.log"

# The crate is publishable, and its docs build clean for both targets.
cargo package --allow-dirty --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib --quiet --target wasm32-unknown-unknown

step "package: build pkg/"
bash scripts/build-package.sh

step "Rust face: the example app's wasm-bindgen-test suites in headless Chromium (real IndexedDB; real Redis over REST, shared with the JS package just built), the host's suite, the app's build"
# The example and the host suites share one target folder (the same dependencies).
export CARGO_TARGET_DIR="$PWD/target/rust-face"
(cd examples/todo-app &&
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown) 2>&1 |
  tee "$logs/rust-face.log"
node examples/todo-app/tests/run-remote.mjs 2>&1 | tee -a "$logs/rust-face.log" # RemoteStorage against a real Redis over REST
node tests/rust-host/run.mjs 2>&1 | tee -a "$logs/rust-face.log" # the host: IndexedDB, hostile remote stores, Node
bash examples/todo-app/build.sh
unset CARGO_TARGET_DIR

step "package: its types, test it in Chromium (the browser suite), under Node, Deno and workerd, and in every host (tests/app/)"
tsc --noEmit --strict --target es2022 --module esnext --moduleResolution bundler tests/types/usage.ts
node --test --test-reporter=tap tests/browser/package.test.mjs tests/node/ tests/runtimes/ tests/soak/ tests/app/ tests/faults/ 2>&1 | tee "$logs/node.log"

passed=0; failed=0
for f in "$logs"/native.log "$logs"/rust-face.log; do
  while read -r p q; do passed=$((passed + p)); failed=$((failed + q)); done < <(
    sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$f")
done
passed=$((passed + $(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$logs/node.log")))
failed=$((failed + $(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$logs/node.log")))
echo
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
