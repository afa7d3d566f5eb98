// The package's API: the face (api.js) and the built-in L2 stores, which every entry
// but `stackquery/l1` (an engine without L2: js/entries/l1.js) exports; and the mutation
// outbox, which only a client with storage uses, linked into the face here
// (outbox_link.js).
import { linkOutbox } from './outbox_link.js';
import { MutationOutbox, outboxOf } from './mutation_outbox.js';
import { replayOutbox, replayOnReconnect } from './outbox_replay.js';

export * from './api.js';
export { IndexedDbStorage } from './storage/indexeddb_storage.js';
export { RemoteStorage } from './storage/remote_storage.js';
export { MemoryStorage } from './storage/memory_storage.js';

linkOutbox({ MutationOutbox, outboxOf, replayOutbox, replayOnReconnect });
