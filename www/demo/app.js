// The demo page: a list and a detail view over /api/items, cached by stackquery with
// L2 in IndexedDB. No build step: the package's `web` entry, ready when imported.
//
// Where each view's data came from is tracked here, in the page:
//   L1       the data was already in the cache (wasm memory) when the view subscribed;
//   network  new data (or the same data, revalidated) arrived after our queryFn answered;
//   L2       data arrived without a queryFn call: it was read from IndexedDB.
import { QueryClient, IndexedDbStorage } from '/pkg/web/stackquery.js';

const params = new URLSearchParams(location.search);
const staleTime = params.has('staleTime') ? Number(params.get('staleTime')) : 60_000;
const $ = (id) => document.getElementById(id);
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

let l2State = 'IndexedDB';
const client = new QueryClient({
  storage: new IndexedDbStorage({ dbName: 'stackquery-demo' }),
  keyPrefix: 'demo',
  staleTime,
  onStorageError: (error, operation) => {
    l2State = `IndexedDB failed (${operation}): running on L1`;
    console.warn('stackquery L2:', error);
    renderLog();
  },
});

const tracked = new Map(); // query key (JSON) → { key, sources, fetches, firstShownMs, result }
let networkRequests = 0;

/** Observes `key` (fetching `url`), records where its data came from, calls `show(result)`. */
function track(key, url, show) {
  const id = JSON.stringify(key);
  if (!tracked.has(id)) tracked.set(id, { key, sources: [], fetches: 0, firstShownMs: null, result: null });
  const entry = tracked.get(id);
  let answered = false; // our queryFn answered since the data last changed
  const queryFn = async ({ signal }) => {
    entry.fetches += 1;
    networkRequests += 1;
    renderLog();
    const response = await fetch(url, { signal });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const data = await response.json();
    answered = true;
    return data;
  };
  const observer = client.watch({ queryKey: key, queryFn });
  let subscribing = true; // what L1 holds as the view subscribes (and shows it at once)
  let shown; // the data and its dataUpdatedAt last seen (structural sharing may keep the object)
  let shownAt;
  const listener = (result) => {
    if (result.data !== undefined && !result.isPlaceholderData && (result.data !== shown || result.dataUpdatedAt !== shownAt)) {
      shown = result.data;
      shownAt = result.dataUpdatedAt;
      entry.sources.push(subscribing ? 'L1' : answered ? 'network' : 'L2');
      answered = false;
      entry.firstShownMs ??= performance.now();
    }
    entry.result = result;
    show(result, entry);
    renderLog();
  };
  // As in TanStack: the listener hears changes; the current result is read once.
  const unsubscribe = observer.subscribe(listener);
  listener(observer.getCurrentResult());
  subscribing = false;
  return () => {
    unsubscribe();
    observer.destroy();
  };
}

function badges(sources) {
  if (sources.length === 0) return '<span class="badge pending">waiting</span>';
  return sources.map((s) => `<span class="badge ${s}">${s}</span>`).join('<span class="arrow">→</span>');
}

function showSource(element, entry) {
  element.innerHTML = entry.sources.length ? `data from ${badges(entry.sources)}` : badges([]);
  element.dataset.source = entry.sources.at(-1) ?? '';
}

// The list.
let selected = null;
let listResult = null;
function renderList() {
  const r = listResult;
  if (!r || r.data === undefined) {
    $('list').innerHTML = r?.isError ? `<li class="error">${escape(r.error)}</li>` : '<li class="muted">Loading…</li>';
    return;
  }
  $('list').innerHTML = r.data
    .map((b) => `<li><a href="#/items/${b.id}" data-id="${b.id}" class="${b.id === selected ? 'selected' : ''}">
      <span class="title">${escape(b.title)}</span><span class="meta">${escape(b.author)} · ${b.year}</span></a></li>`)
    .join('');
}
track(['items'], '/api/items', (result, entry) => {
  listResult = result;
  renderList();
  showSource($('list-source'), entry);
});

// The detail view: one observer per selected book, dropped when another is picked.
let stopDetail = null;
function route() {
  const match = location.hash.match(/^#\/items\/(\d+)$/);
  stopDetail?.();
  stopDetail = null;
  selected = match ? Number(match[1]) : null;
  renderList();
  if (selected === null) {
    $('detail-heading').textContent = 'Details';
    $('detail').innerHTML = '<p class="muted">Pick a book on the left.</p>';
    $('detail-source').innerHTML = '';
    return;
  }
  $('detail-heading').textContent = `Book ${selected}`;
  stopDetail = track(['items', selected], `/api/items/${selected}`, (r, entry) => {
    showSource($('detail-source'), entry);
    if (r.data === undefined) {
      $('detail').innerHTML = r.isError ? `<p class="error">${escape(r.error)}</p>` : '<p class="muted">Loading…</p>';
      return;
    }
    const b = r.data;
    $('detail').innerHTML = `<h3>${escape(b.title)}</h3>
      <p class="byline">${escape(b.author)}, ${b.year}</p>
      <p class="summary">${escape(b.summary)}</p>
      <dl><dt>pages</dt><dd>${b.pages}</dd>
        <dt>served by the API at</dt><dd>${escape(new Date(b.servedAt).toLocaleTimeString())}</dd>
        <dt>cached at</dt><dd>${escape(new Date(r.dataUpdatedAt).toLocaleTimeString())}${r.isStale ? ' (stale)' : ''}</dd></dl>
      <p><a href="#/">← back</a></p>`;
  });
}
addEventListener('hashchange', route);
route();

// The log of every query seen on this page load.
function renderLog() {
  $('net-count').textContent = networkRequests;
  $('l2-state').textContent = l2State;
  $('stale-time').textContent = staleTime === Infinity ? 'Infinity' : `${staleTime / 1000} s`;
  $('log').innerHTML = [...tracked.values()]
    .map(({ key, sources, fetches, firstShownMs, result: r }) => {
      const age = r && r.dataUpdatedAt ? `${Math.max(0, Math.round((Date.now() - r.dataUpdatedAt) / 1000))} s` : '–';
      const status = r ? `${r.status} / ${r.fetchStatus}${r.data === undefined ? '' : r.isStale ? ' · stale' : ' · fresh'}` : '–';
      const shown = firstShownMs === null ? '–' : `${Math.round(firstShownMs)} ms after navigation`;
      return `<tr data-key='${escape(JSON.stringify(key))}'><td><code>${escape(JSON.stringify(key))}</code></td>
        <td class="sources" data-sources="${sources.join(' ')}">${badges(sources)}</td><td>${status}</td>
        <td class="fetches">${fetches}</td><td>${shown}</td><td>${age}</td></tr>`;
    })
    .join('');
}
setInterval(renderLog, 1_000);

// Controls.
fetch('/api/config').then((r) => r.json()).then(({ delay }) => {
  if (![...$('delay').options].some((o) => o.value === String(delay))) $('delay').add(new Option(`${delay} ms`, String(delay)));
  $('delay').value = String(delay);
});
$('delay').addEventListener('change', (e) =>
  fetch('/api/config', { method: 'POST', body: JSON.stringify({ delay: Number(e.target.value) }) }));
$('reload').addEventListener('click', () => location.reload());
$('invalidate').addEventListener('click', () => client.invalidateQueries());
$('clear').addEventListener('click', async () => {
  await client.clear();
  location.reload();
});

window.demo = { client, tracked, networkRequests: () => networkRequests };
