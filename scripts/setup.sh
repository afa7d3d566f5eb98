#!/usr/bin/env bash
# Installs everything building and testing stackquery needs, skipping what is present:
# Debian's Chromium, chromedriver, redis-server and xz, the wasm32 target, a pinned nightly with rust-src,
# wasm-bindgen-cli (the version in Cargo.lock) and the npm dev tools (npm ci). Safe to run
# repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromedriver >/dev/null || missing+=(chromium-driver) # the Rust face's wasm-bindgen-test suite
command -v xz >/dev/null || missing+=(xz-utils) # build-package.sh packs the .wasm with LZMA
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# The package's wasm is built with a pinned nightly (std rebuilt, immediate-abort panics: see
# build-package.sh, which falls back to stable without it). About 15 s from rustup's server.
nightly=$(cat scripts/rust-nightly)
if ! rustup toolchain list | grep "^$nightly" >/dev/null ||
  ! rustup component list --toolchain "$nightly" --installed | grep '^rust-src' >/dev/null ||
  ! rustup target list --toolchain "$nightly" --installed | grep -x wasm32-unknown-unknown >/dev/null; then
  echo "setup: installing Rust $nightly (minimal, rust-src, wasm32) for the package build"
  rustup toolchain install "$nightly" --profile minimal --component rust-src --target wasm32-unknown-unknown ||
    echo "setup: could not install $nightly; build-package.sh will build with stable" >&2
fi

wb_of() { awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$1"; }
wb=$(wb_of Cargo.lock)
# The example's suite runs on the same wasm-bindgen-test-runner: its lockfile must pin the same
# wasm-bindgen, or the runner refuses the test binary with a schema mismatch.
if [ "$(wb_of examples/todo-app/Cargo.lock)" != "$wb" ]; then
  echo "setup: examples/todo-app/Cargo.lock has wasm-bindgen $(wb_of examples/todo-app/Cargo.lock), Cargo.lock $wb:" \
    "run 'cargo update -p wasm-bindgen --precise $wb' in examples/todo-app" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb" ]; then
  echo "setup: installing wasm-bindgen-cli $wb (about 3 minutes)"
  # --locked fails today (its lockfile pins a crate version the registry lacks).
  cargo install wasm-bindgen-cli --version "$wb" --locked --quiet 2>/dev/null ||
    cargo install wasm-bindgen-cli --version "$wb" --quiet
fi

# npm's own record of the installed tree is newer than the lockfile when nothing changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
