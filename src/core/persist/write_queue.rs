//! The write-behind queue between L1 and L2.
//!
//! Every settled change is queued under its query hash; a newer write to the same
//! hash replaces the older one (the last value wins), so 1,000 updates of one key
//! cost one storage write. The host takes everything pending as one [`Batch`] and
//! writes it in one backend call or transaction; batches run one at a time, which
//! keeps the order of writes per key. A batch that fails is put back, except where a
//! newer write to the same hash has arrived meanwhile, so a recovered store ends up
//! with the latest state and never resurrects a removed entry. `clear` of the whole
//! namespace is a barrier: writes queued before it are dropped, writes after it land
//! after it.

use crate::core::fxhash::FxHashMap;

/// What a batch does to one hash.
#[derive(Clone, Debug, PartialEq)]
pub enum Op<P> {
    /// Write this payload.
    Put(P),
    /// Delete the entry.
    Delete,
}

/// Whether L2 is about to change for a hash, so a read of it would be out of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    /// A write is queued or being written.
    Put,
    /// A delete (or a clear) is queued or being written.
    Delete,
}

/// Work taken from the queue; hand it back with [`WriteQueue::settle`].
#[derive(Debug)]
pub struct Batch<P> {
    /// Delete the whole namespace before the ops.
    pub clear_first: bool,
    /// What to write, per hash, oldest first.
    pub ops: Vec<(String, Op<P>)>,
}

#[derive(Debug)]
/// The queue itself.
pub struct WriteQueue<P> {
    pending: FxHashMap<String, (u64, Op<P>)>,
    pending_clear: bool,
    /// What the batch being written does, per hash (for [`WriteQueue::pending`]).
    in_flight: Option<FxHashMap<String, Pending>>,
    in_flight_clear: bool,
    next_seq: u64,
}

impl<P> Default for WriteQueue<P> {
    fn default() -> Self {
        WriteQueue {
            pending: FxHashMap::default(),
            pending_clear: false,
            in_flight: None,
            in_flight_clear: false,
            next_seq: 0,
        }
    }
}

fn kind<P>(op: &Op<P>) -> Pending {
    match op {
        Op::Put(_) => Pending::Put,
        Op::Delete => Pending::Delete,
    }
}

impl<P> WriteQueue<P> {
    /// Queues a write of `payload` under `hash`, replacing any queued write to it.
    pub fn put(&mut self, hash: &str, payload: P) {
        self.push(hash, Op::Put(payload));
    }

    /// Queues a delete of `hash`, replacing any queued write to it.
    pub fn delete(&mut self, hash: &str) {
        self.push(hash, Op::Delete);
    }

    fn push(&mut self, hash: &str, op: Op<P>) {
        self.next_seq += 1;
        self.pending.insert(hash.to_owned(), (self.next_seq, op));
    }

    /// Queues the removal of the whole namespace; queued writes are dropped.
    pub fn clear(&mut self) {
        self.pending.clear();
        self.pending_clear = true;
    }

    /// What L2 is about to do to `hash`, if anything: a read of L2 for it now would be
    /// out of date (a queued delete means "gone", a queued put means L1 is newer).
    pub fn pending(&self, hash: &str) -> Option<Pending> {
        if let Some((_, op)) = self.pending.get(hash) {
            return Some(kind(op));
        }
        if self.pending_clear {
            return Some(Pending::Delete);
        }
        if let Some(p) = self.in_flight.as_ref().and_then(|m| m.get(hash)) {
            return Some(*p);
        }
        self.in_flight_clear.then_some(Pending::Delete)
    }

    /// Nothing queued and nothing being written.
    pub fn is_idle(&self) -> bool {
        self.pending.is_empty() && !self.pending_clear && self.in_flight.is_none()
    }

    /// What is queued and not yet taken, without taking it (`true` first when a namespace
    /// clear is queued ahead of it; each hash once, so their order does not matter): for
    /// writing it at once as well when the host is about to go away. It stays queued, and
    /// is written again later, to the same effect, if the host lives on.
    pub fn queued(&self) -> (bool, Vec<(&str, &Op<P>)>) {
        let ops = self
            .pending
            .iter()
            .map(|(h, (_, op))| (h.as_str(), op))
            .collect();
        (self.pending_clear, ops)
    }

    /// Whether a clear is queued (not yet taken into a batch).
    pub fn clear_queued(&self) -> bool {
        self.pending_clear
    }

    /// Whether a batch is being written.
    pub fn is_writing(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Takes everything queued as one batch, oldest first; `None` while a batch is
    /// being written or when nothing is queued.
    pub fn take_batch(&mut self) -> Option<Batch<P>> {
        if self.in_flight.is_some() || (self.pending.is_empty() && !self.pending_clear) {
            return None;
        }
        let mut ops: Vec<(String, (u64, Op<P>))> = self.pending.drain().collect();
        ops.sort_unstable_by_key(|(_, (seq, _))| *seq); // sequence numbers are unique
        self.in_flight = Some(
            ops.iter()
                .map(|(h, (_, op))| (h.clone(), kind(op)))
                .collect(),
        );
        self.in_flight_clear = std::mem::take(&mut self.pending_clear);
        Some(Batch {
            clear_first: self.in_flight_clear,
            ops: ops.into_iter().map(|(h, (_, op))| (h, op)).collect(),
        })
    }

    /// The batch has been written (`failed` is `None`) or failed. Failed work is
    /// queued again ahead of newer work, except what newer work replaces: a newer
    /// write to the same hash, or a newer namespace clear (which wipes it all anyway).
    pub fn settle(&mut self, failed: Option<Batch<P>>) {
        self.in_flight = None;
        self.in_flight_clear = false;
        let Some(batch) = failed else { return };
        let newer_clear = self.pending_clear;
        if batch.clear_first {
            self.pending_clear = true;
        }
        if newer_clear {
            return;
        }
        for (hash, op) in batch.ops {
            // Sequence 0: ahead of anything queued since.
            self.pending.entry(hash).or_insert((0, op));
        }
    }

    /// How many hashes have queued writes.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether nothing is queued (a batch may still be being written).
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes<P>(b: &Batch<P>) -> Vec<&str> {
        b.ops.iter().map(|(h, _)| h.as_str()).collect()
    }

    #[test]
    fn writes_to_one_key_coalesce_last_wins() {
        let mut q = WriteQueue::default();
        for i in 0..1000 {
            q.put("a", i);
        }
        q.put("b", 1);
        let batch = q.take_batch().unwrap();
        assert_eq!(
            batch.ops,
            vec![("a".into(), Op::Put(999)), ("b".into(), Op::Put(1))]
        );
        q.settle(None);
        assert!(q.is_idle());
    }

    #[test]
    fn one_batch_at_a_time_keeps_per_key_order() {
        let mut q = WriteQueue::default();
        q.put("a", 1);
        let first = q.take_batch().unwrap();
        q.put("a", 2);
        assert!(
            q.take_batch().is_none(),
            "the second write waits for the first batch"
        );
        assert_eq!(q.pending("a"), Some(Pending::Put));
        q.settle(None);
        let second = q.take_batch().unwrap();
        assert_eq!(first.ops[0].1, Op::Put(1));
        assert_eq!(second.ops[0].1, Op::Put(2));
    }

    #[test]
    fn a_failed_batch_is_retried_unless_something_newer_came() {
        let mut q = WriteQueue::default();
        q.put("a", 1);
        q.put("b", 1);
        q.delete("gone");
        let batch = q.take_batch().unwrap();
        q.put("b", 2); // newer than the batch's b
        q.settle(Some(batch));
        let retry = q.take_batch().unwrap();
        let mut ops: Vec<_> = retry.ops.into_iter().collect();
        ops.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(
            ops,
            vec![
                ("a".into(), Op::Put(1)),
                ("b".into(), Op::Put(2)),
                ("gone".into(), Op::Delete)
            ],
            "the removed key is still deleted once storage recovers"
        );
    }

    #[test]
    fn pending_reports_what_l2_is_about_to_do() {
        let mut q: WriteQueue<u8> = WriteQueue::default();
        assert_eq!(q.pending("a"), None);
        q.delete("a");
        assert_eq!(q.pending("a"), Some(Pending::Delete));
        let b = q.take_batch().unwrap();
        assert_eq!(q.pending("a"), Some(Pending::Delete), "still being written");
        q.settle(None);
        assert_eq!(q.pending("a"), None);
        drop(b);
    }

    #[test]
    fn clear_drops_earlier_writes_and_orders_later_ones_after_it() {
        let mut q = WriteQueue::default();
        q.put("old", 1);
        q.clear();
        assert_eq!(q.pending("old"), Some(Pending::Delete));
        assert_eq!(q.pending("anything"), Some(Pending::Delete));
        q.put("new", 2);
        let b = q.take_batch().unwrap();
        assert!(b.clear_first);
        assert_eq!(hashes(&b), ["new"]);
        q.settle(None);
        assert!(q.is_idle());
    }

    #[test]
    fn what_is_queued_can_be_read_without_taking_it() {
        let mut q = WriteQueue::default();
        q.put("a", 1);
        let _in_flight = q.take_batch().unwrap();
        q.put("b", 2);
        q.clear();
        q.put("c", 3);
        q.delete("d");
        q.put("c", 4);
        let (clear, mut ops) = q.queued();
        assert!(clear, "the clear comes first");
        ops.sort_by_key(|(h, _)| *h);
        assert_eq!(
            ops,
            vec![("c", &Op::Put(4)), ("d", &Op::Delete)],
            "the last op of each hash; b was dropped by the clear"
        );
        assert_eq!(q.queued().1.len(), 2, "still queued");
        assert!(
            q.clear_queued(),
            "the clear is queued behind the batch in flight"
        );
        assert!(
            q.take_batch().is_none(),
            "the batch in flight still holds the line"
        );
        q.settle(None);
        let next = q.take_batch().unwrap();
        assert!(
            next.clear_first && !q.clear_queued(),
            "taken into the next batch"
        );
    }

    #[test]
    fn a_failed_clear_is_retried_before_later_writes() {
        let mut q = WriteQueue::default();
        q.clear();
        let b = q.take_batch().unwrap();
        q.put("after", 1);
        q.settle(Some(b));
        let retry = q.take_batch().unwrap();
        assert!(retry.clear_first);
        assert_eq!(hashes(&retry), ["after"]);
    }
}
