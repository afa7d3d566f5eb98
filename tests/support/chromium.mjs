// Debian's Chromium (/usr/bin/chromium) headless through playwright-core, with the flags this
// machine's closed network needs (without the background-networking ones, Chromium's own
// connections are refused, many at a time); the static file server it opens pages from is
// re-exported from serve.mjs.
// Shared by the tests that drive a browser and by the benchmarks in www/bench/.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A headless Chromium; `extraArgs` such as `--js-flags=--expose-gc`. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export { CONTENT_TYPES, serveFiles } from './serve.mjs';
