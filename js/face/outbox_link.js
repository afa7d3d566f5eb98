// How the face reaches the mutation outbox (mutation_outbox.js, outbox_replay.js), the one
// part of the face that only a client with storage uses: index.js links it in, for the
// entries whose engine has L2; stackquery/l1 (api.js alone, an engine without L2) never
// does, so its bundle leaves the outbox out, and none of its clients can have one.

let linked; // { MutationOutbox, outboxOf, replayOutbox, replayOnReconnect }

/** Called once, by index.js. */
export function linkOutbox(parts) {
  linked = parts;
}

/** The outbox's parts, or undefined in a build without L2. */
export function outboxParts() {
  return linked;
}
