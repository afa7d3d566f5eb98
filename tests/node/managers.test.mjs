// The online and focus managers as TanStack users use them: the package's singletons
// (which pause fetches and refetch on focus) with `subscribe`, and `OnlineManager` /
// `FocusManager` instances of one's own, whose event source lives while someone listens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onlineManager, focusManager, OnlineManager, FocusManager } from '../../pkg/nodejs/stackquery.js';

test('onlineManager.subscribe hears each change of the reading, once, until unsubscribed', () => {
  const heard = [];
  assert.equal(onlineManager.hasListeners(), false);
  const off = onlineManager.subscribe((online) => heard.push(online));
  assert.equal(onlineManager.hasListeners(), true, "TanStack's hasListeners()");
  const offThrowing = onlineManager.subscribe(() => { throw new Error('a listener that throws'); });
  try {
    onlineManager.setOnline(false);
    onlineManager.setOnline(false); // no change
    onlineManager.setOnline(true);
    assert.deepEqual(heard, [false, true]);
    off();
    onlineManager.setOnline(false);
    assert.deepEqual(heard, [false, true], 'nothing after unsubscribing');
  } finally {
    offThrowing();
    onlineManager.setOnline(true);
  }
  assert.throws(() => onlineManager.subscribe('x'), { name: 'TypeError', message: /onlineManager.subscribe needs a listener/ });
});

test('focusManager.subscribe hears focus changes', () => {
  const heard = [];
  assert.equal(focusManager.hasListeners(), false);
  const off = focusManager.subscribe((focused) => heard.push(focused));
  assert.equal(focusManager.hasListeners(), true, "TanStack's hasListeners()");
  focusManager.onFocus();
  assert.deepEqual(heard.splice(0), [true], 'onFocus() tells listeners the reading again');
  try {
    focusManager.setFocused(false);
    focusManager.setFocused(true);
    focusManager.setFocused(true);
    assert.deepEqual(heard, [false, true]);
  } finally {
    off();
    focusManager.setFocused(undefined);
  }
  assert.equal(focusManager.hasListeners(), false, 'none once unsubscribed');
});

test('an OnlineManager of its own: the event source is set up with the first listener and cleaned up with the last', () => {
  const manager = new OnlineManager();
  assert.equal(manager.isOnline(), true);
  const log = [];
  let setOnline;
  manager.setEventListener((set) => { log.push('setup'); setOnline = set; return () => log.push('cleanup'); });
  assert.deepEqual(log, ['setup'], 'setEventListener installs it');
  const heard = [];
  const off = manager.subscribe((online) => heard.push(online));
  setOnline(false);
  setOnline(false);
  assert.deepEqual(heard, [false]);
  assert.equal(manager.isOnline(), false);
  assert.equal(onlineManager.isOnline(), true, 'it stands alone: the package singleton is untouched');
  off();
  assert.deepEqual(log, ['setup', 'cleanup'], 'the last unsubscribe removes the source');
  assert.equal(manager.hasListeners(), false);
  manager.subscribe(() => {});
  assert.deepEqual(log, ['setup', 'cleanup', 'setup'], 'a new listener installs it again');
  assert.throws(() => manager.setOnline('yes'), TypeError);
});

test('a FocusManager of its own: setFocused overrides, undefined goes back to the page', () => {
  const manager = new FocusManager();
  const heard = [];
  manager.subscribe((focused) => heard.push(focused));
  assert.equal(manager.isFocused(), true, 'no document: focused');
  manager.setFocused(false);
  manager.setFocused(undefined);
  assert.deepEqual(heard, [false, true]);
  let onFocus;
  manager.setEventListener((handler) => { onFocus = handler; });
  onFocus(false);
  onFocus();
  assert.deepEqual(heard, [false, true, false, false], 'a boolean sets the reading; nothing tells the listeners again');
});
