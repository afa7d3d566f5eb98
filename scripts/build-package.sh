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
      rustup run "$nightly" cargo build --release --target wasm32-unknown-unknown --features "$1" --quiet -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
}
use_stable=
wasm=target/wasm32-unknown-unknown/release/stackquery.wasm
pkg=${PKG_DIR:-pkg}   # another output folder, for building while a test reads pkg/
rm -rf "$pkg" && mkdir -p "$pkg"
# Two engines, one after the other, each built into the same target path and taken from it
# before the next (so a package build compiles the crate twice; std, which build-std
# rebuilds, is shared): the full one, and the L1-only one for stackquery/l1
# (`l1_only`: the .wasm without the persister, storage calls, restores or cross-tab
# channel; src/bindings/l2_build.rs). Each goes through wasm-bindgen and wasm-opt below.
engine_of() { # features, folder
  if [ -n "$use_stable" ] || ! wasm_nightly "$1"; then
    if [ -z "$use_stable" ]; then
      echo "build-package: Rust $nightly with rust-src is not usable (bash scripts/setup.sh installs it): building with stable (a larger .wasm: about 17 KB gzip today)" >&2
      use_stable=1
    fi
    cargo build --release --target wasm32-unknown-unknown --features "$1" --quiet
  fi
  wasm-bindgen --target web --out-dir "$2" --out-name stackquery "$wasm"
  wasm-opt -Os --converge --low-memory-unused --strip-debug --strip-producers --strip-target-features \
    "$2/stackquery_bg.wasm" -o "$2/stackquery_bg.wasm"
}
# Each engine serves every host: wasm-bindgen's `web` glue (ES module, no Node or bundler
# specifics), its .wasm shrunk by wasm-opt. -Os, not -Oz: 1% more raw bytes but 0.3 KB
# less gzip (and brotli), which is what a page downloads. --converge repeats until nothing
# shrinks; the features are those the target_features section names (rustc's defaults,
# all supported by Chromium, Node 20, Deno 2 and workerd), a section then stripped.
# --low-memory-unused lets it fold constant offsets into loads and stores (1.8 KB raw,
# 0.5 KB packed): nothing lives in memory's first KB, as rustc lays a .wasm out (the 1 MB
# stack grows down from 1 MB, statics lie above it), unless the stack is all but spent.
engine=$pkg/.engine
engine_l1=$pkg/.engine-l1
engine_of js "$engine"
engine_of l1_only "$engine_l1"
# The entries carry that .wasm LZMA-packed (`xz`), and its decoder as a wasm module of its
# own (unlzma/, a crate apart: no_std, no allocator, a 64 KB stack), built here with the
# default toolchain; a copy stays in target/unlzma/ for tests/node/unlzma.test.mjs.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Clink-arg=-zstack-size=65536" \
  cargo build --manifest-path unlzma/Cargo.toml --target-dir target/unlzma --release --target wasm32-unknown-unknown --quiet
wasm-opt -O3 --strip-debug --strip-producers --strip-target-features \
  target/unlzma/wasm32-unknown-unknown/release/unlzma.wasm -o target/unlzma/unlzma.wasm
cp target/unlzma/unlzma.wasm "$engine/unlzma.wasm"
cp target/unlzma/unlzma.wasm "$engine_l1/unlzma.wasm"
# The entries (scripts/bundle-entries.mjs): the JS face, the glue and the .wasm, one file
# per kind of host, the .wasm inlined except for Workers.
node scripts/bundle-entries.mjs "$pkg" "$engine" "$engine_l1"
cp -r pkg-template/. "$pkg"/
cp LICENSE "$pkg"/
# The same declarations for CommonJS importers (TypeScript reads a .d.ts in a "type":
# "module" package as ES module types, and refuses them to a require under node16:
# TS1479): each .d.ts copied to a .d.cts that imports the other .d.cts files.
(cd "$pkg" && for d in index.d.ts api.d.ts stores.d.ts l1.d.ts l1/react/index.d.ts web.d.ts react/*.d.ts adapters/*.d.ts; do
  sed -E "s#from '((\.\.?/)+[A-Za-z0-9_/-]+)\.js'#from '\1.cjs'#" "$d" > "${d%.d.ts}.d.cts"
done)
raw=$(stat -c %s "$engine"/stackquery_bg.wasm)
gz=$(gzip -9 -c "$engine"/stackquery_bg.wasm | wc -c)
web=$(gzip -9 -c "$pkg"/web/stackquery.js | wc -c)
l1raw=$(stat -c %s "$engine_l1"/stackquery_bg.wasm)
l1=$(gzip -9 -c "$pkg"/l1/stackquery.js | wc -c)
rm -rf "$engine" "$engine_l1"
echo "$pkg/ built: the .wasm ${raw} B raw, ${gz} B gzip -9; web/stackquery.js (face, glue and .wasm inlined) ${web} B gzip -9; stackquery/l1: its .wasm ${l1raw} B raw, l1/stackquery.js ${l1} B gzip -9"
