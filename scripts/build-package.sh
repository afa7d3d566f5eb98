#!/usr/bin/env bash
# Builds the npm package into pkg/: one wasm-bindgen output per host, each .wasm
# shrunk with wasm-opt -Oz, plus the package's own files from pkg-template/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# The wasm is built with the nightly pinned in scripts/rust-nightly (setup.sh installs it):
# std rebuilt with the crate (-Zbuild-std) in its size-optimized variants
# (optimize_for_size), and panics as bare traps (immediate-abort: no panic message
# formatting); about 17 KB gzip less than stable. A panic already was a trap (panic =
# "abort", no hook), so behaviour is the same. Legacy symbol mangling: nightly's default
# v0 names would become wasm export names and grow the glue. -Zlocation-detail=none: no
# file/line records for panics nobody sees. Without a usable nightly, stable builds the
# same code.
nightly=$(cat scripts/rust-nightly)
wasm_nightly() {
  rustup toolchain list | grep "^$nightly" >/dev/null &&
    rustup component list --toolchain "$nightly" --installed | grep '^rust-src' >/dev/null &&
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Cpanic=immediate-abort -Zunstable-options -Csymbol-mangling-version=legacy -Zlocation-detail=none" \
      rustup run "$nightly" cargo build --release --target wasm32-unknown-unknown --quiet -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
}
if ! wasm_nightly; then
  echo "build-package: Rust $nightly with rust-src is not usable (bash scripts/setup.sh installs it): building with stable (a larger .wasm: about 17 KB gzip today)" >&2
  cargo build --release --target wasm32-unknown-unknown --quiet
fi
wasm=target/wasm32-unknown-unknown/release/stackquery.wasm
pkg=${PKG_DIR:-pkg}   # another output folder, for building while a test reads pkg/
rm -rf "$pkg" && mkdir -p "$pkg"
for target in bundler web nodejs deno; do
  out=$pkg/$target
  wasm-bindgen --target "$target" --out-dir "$out" --out-name stackquery "$wasm"
done
# wasm-opt, the four targets side by side. -Os, not -Oz: 1% more raw bytes but 0.3 KB less
# gzip (and brotli), which is what a page downloads. --converge repeats until nothing shrinks;
# the features are those the target_features section names (rustc's defaults, all
# supported by Chromium, Node 20, Deno 2 and workerd), a section then stripped.
pids=()
for target in bundler web nodejs deno; do
  out=$pkg/$target
  wasm-opt -Os --converge --strip-debug --strip-producers --strip-target-features \
    "$out/stackquery_bg.wasm" -o "$out/stackquery_bg.wasm" & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
# The JS snippets (js/*.js, ES modules ending in one `export { … };`) are required by the
# CommonJS Node glue: give that target CommonJS copies.
find "$pkg/nodejs/snippets" -name '*.js' -exec sed -i -E 's/^export \{ (.*) \};$/module.exports = { \1 };/' {} +
# The JS face in front of each glue (js/face/): it becomes each target's stackquery.js.
node scripts/bundle-face.mjs "$pkg"
cp -r pkg-template/. "$pkg"/
raw=$(stat -c %s "$pkg"/web/stackquery_bg.wasm)
gz=$(gzip -9 -c "$pkg"/web/stackquery_bg.wasm | wc -c)
glue=$(gzip -9 -c "$pkg"/web/stackquery.js | wc -c)
echo "$pkg/ built: stackquery_bg.wasm ${raw} B raw, ${gz} B gzip -9; JS glue (web) ${glue} B gzip -9"
