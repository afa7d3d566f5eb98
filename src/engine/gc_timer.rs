//! The one GC timer: armed for the cache's earliest GC deadline, it removes the
//! queries that are due and arms itself again. L2 keeps what GC removes from L1.

use std::rc::Rc;

use super::shared::Shared;
use crate::core::gc::rearm;

/// Arms the timer for the cache's next deadline if that is earlier than the one it is
/// armed for (or it is not armed).
pub fn arm<D: Clone + 'static>(shared: &Rc<Shared<D>>) {
    let next = match shared.cache.try_borrow() {
        Ok(cache) => cache.next_gc_at(),
        Err(_) => return,
    };
    let Some(at) = rearm(next, shared.gc_armed.get()) else {
        return;
    };
    shared.gc_armed.set(Some(at));
    let generation = shared.gc_generation.get() + 1;
    shared.gc_generation.set(generation);
    let delay = at - shared.now();
    let sleep = shared.host.sleep(delay);
    let weak = Rc::downgrade(shared);
    shared.host.spawn(Box::pin(async move {
        sleep.await;
        // A client that is gone has nothing to collect.
        let Some(shared) = weak.upgrade() else { return };
        if shared.gc_generation.get() != generation {
            return;
        }
        shared.gc_armed.set(None);
        let now = shared.now();
        if let Ok(mut cache) = shared.cache.try_borrow_mut() {
            cache.collect_garbage(now);
        }
        arm(&shared);
    }));
}
