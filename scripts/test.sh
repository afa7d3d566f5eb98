#!/usr/bin/env bash
# Runs every test: the native core (cargo test), the browser suite in headless Chromium
# (wasm-pack test --headless --chrome), and the built package under Node.
# Ends with one line "total: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
bash scripts/setup.sh

logs=$(mktemp -d)
step() { printf '\n== %s\n' "$1"; }

step "native core: cargo test"
cargo test --lib --test tanstack_vectors --test key_fuzz 2>&1 | tee "$logs/native.log"

step "browser: wasm-pack test --headless --chrome (real Chromium, real IndexedDB, real Redis over REST)"
node tests/servers/remote-store.mjs 38479 38480 > "$logs/remote-store.log" 2>&1 &
store_pid=$!
trap 'kill $store_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q '^ready' "$logs/remote-store.log" && break; sleep 0.2; done
grep -q '^ready' "$logs/remote-store.log" || { cat "$logs/remote-store.log"; exit 1; }
browser_suite() {
  WASM_BINDGEN_TEST_TIMEOUT=60 wasm-pack test --headless --chrome --mode no-install -- --test browser 2>&1 | tee "$logs/browser.log"
}
if ! browser_suite; then
  # The headless runner losing its page (no test ran) is not a test failure: try once more.
  grep -q "Failed to detect test as having been run" "$logs/browser.log" || exit 1
  echo "the headless runner lost the page before any test reported; running the browser suite again"
  pkill -f chromium || true
  browser_suite
fi
kill $store_pid 2>/dev/null || true

step "package: build pkg/, check its types, test it under Node, Deno and workerd"
bash scripts/build-package.sh
tsc --noEmit --strict --target es2022 --module esnext --moduleResolution bundler tests/types/usage.ts
node --test --test-reporter=tap tests/node/ tests/runtimes/ tests/soak/ tests/app/ tests/faults/ 2>&1 | tee "$logs/node.log"

passed=0; failed=0
for f in "$logs"/native.log "$logs"/browser.log; do
  while read -r p q; do passed=$((passed + p)); failed=$((failed + q)); done < <(
    sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$f")
done
passed=$((passed + $(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$logs/node.log")))
failed=$((failed + $(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$logs/node.log")))
echo
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
