#!/usr/bin/env bash
# Serves the demo page (www/demo/): a list and a detail view cached by stackquery with
# IndexedDB as L2, showing for each query whether its data came from the network, L1 or L2.
# Builds pkg/ first when it is missing. PORT (default 38610) and DELAY (API delay in ms,
# default 300) can be set; HOST=0.0.0.0 to open it from another machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
if [ ! -f pkg/web/stackquery.js ]; then
  bash scripts/setup.sh
  bash scripts/build-package.sh
fi
exec node www/demo/server.mjs --port "${PORT:-38610}" --delay "${DELAY:-300}" --host "${HOST:-127.0.0.1}"
