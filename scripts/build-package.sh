#!/usr/bin/env bash
# Builds the npm package into pkg/: the engine's .wasm and glue, bundled with the JS face
# into one entry file per kind of host, plus the package's own files from pkg-template/.
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
      rustup run "$nightly" cargo build --release --target wasm32-unknown-unknown --features js --quiet -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
}
if ! wasm_nightly; then
  echo "build-package: Rust $nightly with rust-src is not usable (bash scripts/setup.sh installs it): building with stable (a larger .wasm: about 17 KB gzip today)" >&2
  cargo build --release --target wasm32-unknown-unknown --features js --quiet
fi
wasm=target/wasm32-unknown-unknown/release/stackquery.wasm
pkg=${PKG_DIR:-pkg}   # another output folder, for building while a test reads pkg/
rm -rf "$pkg" && mkdir -p "$pkg"
# One engine for every host: wasm-bindgen's `web` glue (ES module, no Node or bundler
# specifics), its .wasm shrunk by wasm-opt. -Os, not -Oz: 1% more raw bytes but 0.3 KB
# less gzip (and brotli), which is what a page downloads. --converge repeats until nothing
# shrinks; the features are those the target_features section names (rustc's defaults,
# all supported by Chromium, Node 20, Deno 2 and workerd), a section then stripped.
engine=$pkg/.engine
wasm-bindgen --target web --out-dir "$engine" --out-name stackquery "$wasm"
wasm-opt -Os --converge --strip-debug --strip-producers --strip-target-features \
  "$engine/stackquery_bg.wasm" -o "$engine/stackquery_bg.wasm"
# The entries carry that .wasm LZMA-packed (`xz`), and its decoder as a wasm module of its
# own (unlzma/, a crate apart: no_std, no allocator, a 64 KB stack), built here with the
# default toolchain; a copy stays in target/unlzma/ for tests/node/unlzma.test.mjs.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Clink-arg=-zstack-size=65536" \
  cargo build --manifest-path unlzma/Cargo.toml --target-dir target/unlzma --release --target wasm32-unknown-unknown --quiet
wasm-opt -O3 --strip-debug --strip-producers --strip-target-features \
  target/unlzma/wasm32-unknown-unknown/release/unlzma.wasm -o target/unlzma/unlzma.wasm
cp target/unlzma/unlzma.wasm "$engine/unlzma.wasm"
# The entries (scripts/bundle-entries.mjs): the JS face, the glue and the .wasm, one file
# per kind of host, the .wasm inlined except for Workers.
node scripts/bundle-entries.mjs "$pkg" "$engine"
cp -r pkg-template/. "$pkg"/
cp LICENSE "$pkg"/
# The same declarations for CommonJS importers (TypeScript reads a .d.ts in a "type":
# "module" package as ES module types, and refuses them to a require under node16:
# TS1479): each .d.ts copied to a .d.cts that imports the other .d.cts files.
(cd "$pkg" && for d in index.d.ts web.d.ts react/*.d.ts adapters/*.d.ts; do
  sed -E "s#from '(\.\.?/[A-Za-z0-9_/-]+)\.js'#from '\1.cjs'#" "$d" > "${d%.d.ts}.d.cts"
done)
raw=$(stat -c %s "$engine"/stackquery_bg.wasm)
gz=$(gzip -9 -c "$engine"/stackquery_bg.wasm | wc -c)
web=$(gzip -9 -c "$pkg"/web/stackquery.js | wc -c)
rm -rf "$engine"
echo "$pkg/ built: the .wasm ${raw} B raw, ${gz} B gzip -9; web/stackquery.js (face, glue and .wasm inlined) ${web} B gzip -9"
