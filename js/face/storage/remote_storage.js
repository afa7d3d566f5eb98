// `RemoteStorage`: L2 in a remote key-value store over `fetch`, speaking the Upstash
// Redis REST protocol (Upstash, Vercel KV, or any server that speaks it). The client
// calls it through the storage protocol, as it calls a user's storage object.
//
// This file owns the requests and what is made of their replies:
//   get → GET, getMany → MGETs of 200 keys, set / setMany → SET (… PX ms), delete /
//   deleteMany → DEL, in pipelines of 500 commands; keys(prefix) → a SCAN walk;
//   deletePrefix(prefix) → a SCAN walk deleting each page's keys as it goes.
// One command is `POST {url}` with a JSON array body (`["GET", key]`), a batch is
// `POST {url}/pipeline` with an array of commands; `Authorization: Bearer {token}`.
// Replies are `{"result": …}` or `{"error": "…"}`. HTTP errors, a refused token,
// timeouts, non-JSON bodies and `{"error"}` replies reject with a `RemoteStorageError`
// (the client then carries on without L2). Only globals every host has are used
// (`fetch`, `AbortSignal`, `Blob`, `TextEncoder`, `btoa`): pages, workers, Node, Deno,
// workerd.
//
// Hostile or broken stores are bounded: each request, its body included, is aborted
// after `timeoutMs`; a body is read in chunks and abandoned past `maxReplyBytes`; a SCAN
// that repeats a cursor or runs past 10,000 pages is an error. The token, in any form a
// store may echo it (any case, base64, URL-encoded, JSON-escaped), never appears in an
// error message, nor does any run of 8 of its characters (`redact`, the rules of
// src/core/redact.rs), and a URL holding a user
// name or password is refused without being shown.

import { describe } from '../describe.js';
import { bindMethods } from './bind_methods.js';

/** Commands per pipeline request (keeps request bodies well under store limits). */
const PIPELINE_CHUNK = 500;
/** Keys per `MGET` of a batched read. */
const MGET_CHUNK = 200;
/** The most keys one `keys(prefix)` may list. */
const MAX_SCAN_KEYS = 1_000_000;
/** The most `SCAN` pages one walk may take (each asks for 1,000 keys). */
const MAX_SCAN_PAGES = 10_000;

/** Lone surrogates as U+FFFD, as they were in the engine's (Rust) strings. */
const wellFormed = (s) => s.replace(/\p{Cs}/gu, '\uFFFD');

/** ASCII letters lower-cased (lengths and positions kept). */
const fold = (s) => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());

/** A number as Rust's `n as u64` writes it: truncated, NaN and below 0 as 0, saturated. */
const u64 = (n) => String(n >= 1 ? (n < 2 ** 64 ? BigInt(Math.trunc(n)) : '18446744073709551615') : 0);

/**
 * Every form in which a store may echo `secret`, in the order they are blanked: as
 * given, `encodeURIComponent`'s, JSON-escaped, then the base64 (and base64url) of a text
 * holding it at each of three alignments, and its own base64 unpadded.
 * @param {string} secret well-formed
 */
function secretForms(secret) {
  const forms = [];
  const add = (form) => form && !forms.includes(form) && forms.push(form);
  const both = (b64) => {
    add(b64.replace(/\+/g, '-').replace(/\//g, '_'));
    add(b64);
  };
  add(secret);
  add(encodeURIComponent(secret));
  add(JSON.stringify(secret).slice(1, -1));
  let bytes = '';
  for (const b of new TextEncoder().encode(secret)) bytes += String.fromCharCode(b);
  for (let skip = 0; skip < 3; skip++) {
    const whole = Math.max(0, bytes.length - skip) / 3 | 0;
    if (!skip || whole >= 2) both(btoa(bytes.substr(skip, whole * 3))); // 6 bytes at least
  }
  both(btoa(bytes).replace(/=+$/, ''));
  return forms;
}

/** The shortest run of the secret's characters blanked on its own (redact.rs `MIN_RUN`). */
const MIN_RUN = 8;

/**
 * `text` with each form, ASCII letters in any case, replaced by `***`; then every run of
 * MIN_RUN or more characters of the secret itself (`forms[0]`, when ASCII and longer), so
 * that an echo cut short or missing its first characters shows no part of it either.
 * @param {string} text
 * @param {string[]} forms
 */
function redact(text, forms) {
  for (const form of forms) {
    const [hay, needle] = [fold(text), fold(form)];
    let out = '', from = 0, at;
    while ((at = hay.indexOf(needle, from)) >= 0) {
      out += `${text.slice(from, at)}***`;
      from = at + needle.length;
    }
    text = out + text.slice(from);
  }
  const secret = forms[0];
  return secret !== undefined && secret.length > MIN_RUN && /^[\x00-\x7f]*$/.test(secret) ? blankRuns(text, fold(secret)) : text;
}

/** `text` with each longest run of MIN_RUN or more characters of `secret` (folded) blanked. */
function blankRuns(text, secret) {
  const hay = fold(text);
  let out = '', copied = 0, i = 0;
  while (i + MIN_RUN <= hay.length) {
    let run = 0;
    for (let start = 0; start + run < secret.length; start++) {
      let n = 0;
      while (i + n < hay.length && start + n < secret.length && hay[i + n] === secret[start + n]) n++;
      if (n > run) run = n;
    }
    if (run >= MIN_RUN) {
      out += `${text.slice(copied, i)}***`;
      i += run;
      copied = i;
    } else {
      i++;
    }
  }
  return out + text.slice(copied);
}

/** The message of a thrown value, for wrapping. */
function messageOf(error) {
  try {
    if (typeof error.message === 'string') return error.message;
  } catch {}
  return describe(error);
}

/** Strings in Unicode code point order (Rust's order of its strings; UTF-16's differs past U+FFFF). */
function byCodePoint(a, b) {
  let i = 0;
  while (a.charCodeAt(i) === b.charCodeAt(i)) i++; // NaN past the end of either
  return (a.codePointAt(i) ?? -1) - (b.codePointAt(i) ?? -1);
}

/**
 * A `duration` option as the engine reads them: `undefined` when absent, `Infinity`
 * for none.
 */
function readDuration(value, option) {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') {
    throw new TypeError(`stackquery: ${option} must be a number of milliseconds or Infinity, got ${describe(value)}`);
  }
  if (Number.isNaN(value)) throw new RangeError(`stackquery: ${option} must be a number of milliseconds, got NaN`);
  if (value < 0) throw new RangeError(`stackquery: ${option} must not be negative`);
  return value;
}

/**
 * L2 in a remote store: `new RemoteStorage({ url, token, timeoutMs, maxReplyBytes })`,
 * speaking the Upstash Redis REST protocol. Also usable directly through the storage
 * protocol.
 */
export class RemoteStorage {
  #url;
  #token;
  #timeoutMs;
  #maxReplyBytes;
  #secrets;
  /** Where an unfinished `deletePrefix` goes on from, by prefix. */
  #resume = new Map();

  /**
   * @param {{ url: string, token: string, timeoutMs?: number, maxReplyBytes?: number }} options
   * `url`: the REST endpoint (no user name or password in it); `token`: sent as
   * `Authorization: Bearer`, never shown; `timeoutMs`: each request, its body included,
   * is aborted after this (default 10000, `Infinity` for never); `maxReplyBytes`: a
   * longer reply is abandoned unread (default 16 MiB, `Infinity` for no bound).
   */
  constructor(options) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`stackquery: RemoteStorage options must be an object, got ${describe(options)}`);
    }
    const url = options.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      throw new TypeError('stackquery: RemoteStorage url must be an http(s) URL string (the REST endpoint)');
    }
    // Never echo the URL: it may hold a password.
    if (/^[^/?#]*@/.test(url.slice(url.indexOf('://') + 3))) {
      throw new TypeError('stackquery: RemoteStorage url must not hold a user name or password before its host; pass the REST token as `token`');
    }
    // Never echo the token, even in its own error. fetch sends a header value trimmed:
    // the token is what the store sees (and may echo).
    let token = options.token;
    if (typeof token === 'string') token = wellFormed(token.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, ''));
    if (!token || typeof token !== 'string') throw new TypeError('stackquery: RemoteStorage token must be a non-empty string');
    const timeoutMs = readDuration(options.timeoutMs, 'RemoteStorage timeoutMs');
    const maxReplyBytes = readDuration(options.maxReplyBytes, 'RemoteStorage maxReplyBytes');
    if (maxReplyBytes < 1) throw new RangeError('stackquery: RemoteStorage maxReplyBytes must be at least 1');
    this.#url = url.replace(/\/+$/, '');
    this.#token = token;
    this.#secrets = secretForms(token);
    this.#timeoutMs = timeoutMs ?? 10_000;
    this.#maxReplyBytes = Math.trunc(maxReplyBytes ?? 16 * 1024 * 1024);
    bindMethods(this, ['get', 'set', 'delete', 'keys', 'getMany', 'setMany', 'deleteMany', 'deletePrefix', 'free']);
  }

  /** The stored value of `key`; `null` when there is none. */
  async get(key) {
    return (await this.#call(['GET', key])) ?? null;
  }

  /** Stores `value` under `key`, expiring after `ttl` seconds when given. */
  async set(key, value, ttl) {
    return this.setMany([{ key, value, ttl }]);
  }

  /** Deletes `key`. */
  async delete(key) {
    return this.deleteMany([key]);
  }

  /** Keys starting with `prefix` (all keys without one), sorted, each once. */
  async keys(prefix) {
    const scan = this.#scan(prefix ?? '');
    const keys = [];
    for (let page; (page = await this.#page(scan)); ) {
      for (const key of page) keys.push(key);
      if (keys.length > MAX_SCAN_KEYS) throw this.#fail(`SCAN listed more than ${MAX_SCAN_KEYS} keys`);
    }
    // Code point order; UTF-16's (the default) is the same where no key has a surrogate.
    keys.sort(keys.some((key) => /[\uD800-\uDFFF]/.test(key)) ? byCodePoint : undefined);
    return keys.filter((key, i) => key !== keys[i - 1]); // a key listed twice is deleted once
  }

  /**
   * The values of `keys`, in their order: `MGET`s of at most 200 keys, one after another
   * (each reply bounded by `maxReplyBytes`).
   */
  async getMany(keys) {
    const values = [];
    for (let i = 0; i < keys.length; i += MGET_CHUNK) {
      const chunk = keys.slice(i, i + MGET_CHUNK);
      const replies = await this.#call(['MGET', ...chunk]);
      if (!Array.isArray(replies) || replies.length !== chunk.length) {
        throw this.#fail('the MGET reply was not one value per key');
      }
      for (const value of replies) values.push(value);
    }
    return values;
  }

  /**
   * Stores `entries` (`{ key, value, ttl }`, `ttl` in seconds or none), in pipelines of
   * at most 500 commands.
   */
  async setMany(entries) {
    return this.#pipeline(entries.map(({ key, value, ttl }) => {
      const ms = ttl * 1000;
      return ttl == null ? ['SET', key, value] : ['SET', key, value, 'PX', u64(ms > 1 ? ms : 1)];
    }));
  }

  /** Deletes `keys`, in pipelines of at most 500 commands. */
  async deleteMany(keys) {
    return this.#pipeline(keys.map((key) => ['DEL', key]));
  }

  /**
   * Deletes every key starting with `prefix`, page by page: what each `SCAN` page lists
   * is deleted before the next page is asked for, and the cursor reached is kept, so a
   * walk that stopped goes on from there when it is called again. `signal` stops the
   * walk (the client gave up waiting: `storageTimeout`): the request under way is
   * aborted and the call rejects with the signal's reason.
   * @param {string} prefix
   * @param {AbortSignal} [signal]
   */
  async deletePrefix(prefix, signal) {
    const scan = this.#scan(prefix, this.#resume.get(prefix));
    for (let keys; (keys = await this.#page(scan, signal)); ) {
      await this.#pipeline(keys.map((key) => ['DEL', key]), signal);
      if (scan.cursor === undefined) this.#resume.delete(prefix);
      else this.#resume.set(prefix, scan.cursor);
      signal?.throwIfAborted();
    }
  }

  /** Nothing to free (kept for code written for the wasm class). */
  free() {}

  // `using`'s end. Declared in the class, not set on its prototype after it: a bundler
  // then drops the class where nothing imports it.
  [Symbol.dispose]() {
    this.free();
  }

  /** A `SCAN … MATCH prefix*` to walk, from `cursor`. */
  #scan(prefix, cursor = '0') {
    return { prefix, glob: `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, cursor, seen: new Set() };
  }

  /** The keys of the walk's next page that start with its prefix; `undefined` when done. */
  async #page(scan, signal) {
    const { cursor } = scan;
    if (cursor === undefined) return;
    // A store whose SCAN never ends must not keep the client busy for ever.
    if (scan.seen.has(cursor) || scan.seen.size >= MAX_SCAN_PAGES) {
      throw this.#fail(`SCAN did not finish (a repeated cursor, or more than ${MAX_SCAN_PAGES} pages)`);
    }
    scan.cursor = undefined;
    const page = await this.#call(['SCAN', cursor, 'MATCH', scan.glob, 'COUNT', '1000'], signal);
    scan.seen.add(cursor);
    if (!Array.isArray(page)) throw this.#fail('SCAN did not answer [cursor, keys]');
    const [next, found] = page;
    const text = typeof next === 'string' ? next : typeof next === 'number' ? u64(next) : '';
    if (text && text !== '0') scan.cursor = text;
    return Array.isArray(found) ? found.filter((k) => typeof k === 'string' && k.startsWith(scan.prefix)) : [];
  }

  /** One command; its `result`. */
  async #call(command, signal) {
    return (await this.#post('', JSON.stringify(command), signal))?.result;
  }

  /** Commands in pipeline requests; fails if any command failed. */
  async #pipeline(commands, signal) {
    for (let i = 0; i < commands.length; i += PIPELINE_CHUNK) {
      const chunk = commands.slice(i, i + PIPELINE_CHUNK);
      const replies = await this.#post('/pipeline', JSON.stringify(chunk), signal);
      if (!Array.isArray(replies)) throw this.#fail('the pipeline reply was not an array');
      // A command without a reply may not have run: the batch is not written.
      if (replies.length !== chunk.length) {
        throw this.#fail(`the pipeline reply had ${replies.length} replies for ${chunk.length} commands`);
      }
      for (const reply of replies) {
        if (typeof reply?.error === 'string') throw this.#fail(`a pipelined command failed: ${reply.error}`);
      }
    }
  }

  /**
   * POSTs `body` to `{url}{path}`; the parsed JSON reply, or a storage error (`signal`'s
   * reason once it aborts).
   */
  async #post(path, body, signal) {
    signal?.throwIfAborted();
    const init = {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.#token}`, 'Content-Type': 'application/json' },
      body,
    };
    // AbortSignal.timeout(ms) where the host has it: the request itself is cancelled.
    // Longer than a timer can hold (2^31 - 1 ms) is that long: Node fires a longer one at once.
    if (this.#timeoutMs !== Infinity) try { init.signal = AbortSignal.timeout(Math.min(this.#timeoutMs, 2_147_483_647)); } catch {}
    // The caller's signal too, where the host can join two (else the walk checks it between requests).
    if (signal && (!init.signal || AbortSignal.any)) init.signal = init.signal ? AbortSignal.any([init.signal, signal]) : signal;
    let response;
    try {
      response = fetch(this.#url + path, init);
    } catch (e) {
      throw this.#fail(`the request failed: ${messageOf(e)}`);
    }
    response = await response.catch((e) => {
      throw signal?.aborted ? signal.reason : this.#fail(`the store could not be reached: ${messageOf(e)}`);
    });
    const { status } = response;
    const text = await this.#read(response);
    if (status === 401 || status === 403) throw this.#fail(`the store refused the token (HTTP ${status})`);
    let reply, json = true;
    try {
      reply = JSON.parse(text);
    } catch {
      json = false;
    }
    const error = json && !Array.isArray(reply) ? reply?.error : undefined;
    if (typeof error === 'string') throw this.#fail(`the store answered with an error (HTTP ${status}): ${error}`);
    if (!(status >= 200 && status < 300)) throw this.#fail(`the store answered HTTP ${status}`);
    if (!json) throw this.#fail(`the store's reply was not JSON (HTTP ${status})`);
    return reply;
  }

  /**
   * The reply body as text, read in chunks and abandoned past `maxReplyBytes` (a body
   * that does not come is cut off by the request's abort signal).
   */
  async #read(response) {
    const stream = response.body;
    if (stream == null) return '';
    let reader;
    try {
      reader = stream.getReader();
    } catch (e) {
      throw this.#fail(`the reply could not be read: ${messageOf(e)}`);
    }
    const chunks = [];
    for (let size = 0; ;) {
      const chunk = await reader.read().catch((e) => { throw this.#fail(`the reply broke off: ${messageOf(e)}`); });
      if (chunk.done) break;
      const part = chunk.value;
      if (!(part instanceof Uint8Array)) throw this.#fail("the reply's body was not bytes");
      size += part.length;
      if (size > this.#maxReplyBytes) {
        try { reader.cancel().catch(() => {}); } catch {} // the stream stops; the request is dropped
        throw this.#fail(`the reply was larger than maxReplyBytes (${this.#maxReplyBytes} bytes); it was not read`);
      }
      chunks.push(part);
    }
    return new Blob(chunks).text().catch((e) => { throw this.#fail(`the reply could not be read: ${messageOf(e)}`); });
  }

  /** A storage error; every form of the token is blanked out of it. */
  #fail(message) {
    const error = new Error(`RemoteStorage: ${redact(wellFormed(message), this.#secrets)}`);
    error.name = 'RemoteStorageError';
    return error;
  }
}
