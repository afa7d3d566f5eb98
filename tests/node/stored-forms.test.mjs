// What a stored entry may look like, and what a read makes of it, through the built package
// under Node. stackquery reads an envelope written exactly as it writes them the quick way
// (checked and parsed in JavaScript) and anything else the exact way (in the engine); the
// two must agree. So entries in other valid forms (spaces, another field order, no `rev`)
// come back as written, and entries that are not what they claim (a field repeated after the
// data, a number out of form, data nested too deep, another key or buster) are misses and
// are deleted, the corrupt ones reported. Each form is read by one cold read (ensureQueryData)
// and by the bulk restore (restoreQueries()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient } from '../../pkg/nodejs/stackquery.js';
import { mapStorage } from '../support/map-storage.mjs';

const KEY = ['t', 1];
const STORED_KEY = 'stackquery:["t",1]';
// A buster with characters that mean something in a regular expression.
const BUSTER = 'v1.2';
const AT = Date.now() - 1_000;
const EXPIRES = Date.now() + 3_600_000;
const DATA = { id: 1, title: 'ü 😀', tags: ['x'] };

/** The envelope as stackquery writes it, field by field (`rev` left out when `undefined`). */
function written({ key = '["t",1]', buster = JSON.stringify(BUSTER), updatedAt = String(AT), invalidated = 'false',
  expiresAt = String(EXPIRES), rev = '7', data = JSON.stringify(DATA) } = {}) {
  const revField = rev === undefined ? '' : `,"rev":${rev}`;
  return `{"v":1,"key":${key},"buster":${buster},"updatedAt":${updatedAt},"invalidated":${invalidated},"expiresAt":${expiresAt}${revField},"data":${data}}`;
}

const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);
const HIT = (data = DATA, state = {}) => ({ hit: true, data, state });
const MISS = { hit: false, reported: false };
const CORRUPT = { hit: false, reported: true };

// [what it is, the stored string, what a read makes of it]
const FORMS = [
  ['as written', written(), HIT(DATA, { dataUpdatedAt: AT, isInvalidated: false })],
  ['as written without rev', written({ rev: undefined }), HIT()],
  ['invalidated', written({ invalidated: 'true' }), HIT(DATA, { isInvalidated: true })],
  ['a revision of 2^53 - 1', written({ rev: String(2 ** 53 - 1) }), HIT()],
  ['data nested 255 deep', written({ data: nested(255) }), HIT(JSON.parse(nested(255)))],
  ['spaces between the fields', written().replaceAll('":', '": ').replaceAll(',"', ', "'), HIT(DATA, { dataUpdatedAt: AT })],
  ['whitespace after the closing brace', `${written()}\n `, HIT()],
  ['the data first', JSON.stringify({ data: DATA, v: 1, key: KEY, buster: BUSTER, updatedAt: AT, invalidated: false, expiresAt: EXPIRES }), HIT()],
  ['the data twice: the last counts', `${written().slice(0, -1)},"data":{"second":true}}`, HIT({ second: true })],
  ['another key after the data', `${written().slice(0, -1)},"key":["t",2]}`, MISS],
  ['another version after the data', `${written().slice(0, -1)},"v":2}`, MISS],
  ['the key written with an escape', written({ key: '["\\u0074",1]' }), MISS],
  ['another buster', written({ buster: JSON.stringify('v1x2') }), MISS],
  ['expired', written({ expiresAt: String(Date.now() - 1) }), MISS],
  ['a time with a leading zero', written({ updatedAt: `0${AT}` }), CORRUPT],
  ['a time with a fraction', written({ updatedAt: `${AT}.5` }), CORRUPT],
  ['a time of 19 digits', written({ updatedAt: '1'.repeat(19) }), CORRUPT],
  ['a revision of 2^53', written({ rev: String(2 ** 53) }), CORRUPT],
  ['data nested 256 deep', written({ data: nested(256) }), CORRUPT],
  ['data that is not JSON', written({ data: '{"a":}' }), CORRUPT],
  ['text after the closing brace', `${written()}x`, CORRUPT],
  ['cut short', written().slice(0, -1), CORRUPT],
];

const client = (storage, reports) => new QueryClient({
  storage, buster: BUSTER, staleTime: Infinity, onStorageError: (e, op, key) => reports.push(`${op} ${key}: ${e.message}`),
});

/** What the read left: L2 must still hold the entry after a hit and must not after a miss. */
async function judge(name, expected, read, storage, reports, c) {
  await c.flush();
  if (expected.hit) {
    assert.deepEqual(read, expected.data, `${name}: the stored data`);
    const state = c.getQueryState(KEY);
    for (const [field, value] of Object.entries(expected.state)) assert.equal(state[field], value, `${name}: ${field}`);
    assert.ok(storage.map.has(STORED_KEY), `${name}: still stored`);
    assert.deepEqual(reports, [], `${name}: nothing reported`);
  } else {
    assert.equal(storage.map.has(STORED_KEY), false, `${name}: deleted`);
    if (expected.reported) {
      assert.equal(reports.length, 1, `${name}: reported once (${reports.join('; ')})`);
      assert.match(reports[0], /^get stackquery:\["t",1\]: stackquery: a corrupt L2 entry was found and deleted/, name);
    } else {
      assert.deepEqual(reports, [], `${name}: a miss, not an error`);
    }
  }
}

test('a cold read (ensureQueryData) makes of each stored form what the envelope says', async () => {
  for (const [name, stored, expected] of FORMS) {
    const storage = mapStorage([[STORED_KEY, stored]]);
    const reports = [];
    const c = client(storage, reports);
    // Offline: a miss fails the fetch and writes nothing over what the read left.
    let fetched = false;
    const data = await c.ensureQueryData({ queryKey: KEY, retry: false, queryFn: () => { fetched = true; throw new Error('offline'); } })
      .catch((e) => e);
    assert.equal(fetched, !expected.hit, `${name}: fetched only on a miss`);
    await judge(name, expected, expected.hit ? data : undefined, storage, reports, c);
    c.dispose();
  }
});

test('the bulk restore makes of each stored form what the envelope says, beside entries as written', async () => {
  for (const [name, stored, expected] of FORMS) {
    // Neighbours on both sides of the entry, read in the same pass.
    const neighbours = [0, 2, 3].map((i) => [`stackquery:["t",${i === 0 ? 0 : i}]`, written({ key: `["t",${i}]`, data: `{"n":${i}}` })]);
    const storage = mapStorage([neighbours[0], [STORED_KEY, stored], ...neighbours.slice(1)]);
    const reports = [];
    const c = client(storage, reports);
    assert.equal(await c.restoreQueries(), expected.hit ? 4 : 3, `${name}: how many restored`);
    for (const i of [0, 2, 3]) assert.deepEqual(c.getQueryData(['t', i]), { n: i }, `${name}: the neighbour ${i}`);
    await judge(name, expected, c.getQueryData(KEY), storage, reports, c);
    c.dispose();
  }
});

test('a key whose JSON is broken in the storage key and the envelope alike is corrupt, not restored', async () => {
  // `["t"` followed by the buster field reads as a key up to the first comma by text alone.
  const broken = written({ key: '["t"' });
  const storage = mapStorage([['stackquery:["t"', broken], [STORED_KEY, written()]]);
  const reports = [];
  const c = client(storage, reports);
  assert.equal(await c.restoreQueries(), 1);
  assert.deepEqual(c.getQueryData(KEY), DATA);
  await c.flush();
  assert.equal(storage.map.has('stackquery:["t"'), false, 'deleted');
  assert.equal(reports.length, 1, reports.join('; '));
  assert.match(reports[0], /corrupt L2 entry/);
  c.dispose();
});
