#!/usr/bin/env bash
# The main job: builds the npm package (pkg/) and runs the demo against it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
bash scripts/setup.sh
bash scripts/build-package.sh
node www/node-demo.mjs
