//! A deterministic host for the engine's native tests: a virtual clock that moves only
//! when a test says so ([`FakeHost::advance`]), timers that fire in order, and a task
//! queue run to a standstill by [`FakeHost::run`]. Nothing sleeps for real.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use super::host::{Host, LocalBoxFuture};

type Ready = Arc<Mutex<VecDeque<u64>>>;

struct TaskWaker {
    id: u64,
    ready: Ready,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        if let Ok(mut q) = self.ready.lock() {
            q.push_back(self.id);
        }
    }
}

struct Timer {
    at: f64,
    seq: u64,
    fired: Rc<Cell<bool>>,
    waker: Rc<RefCell<Option<Waker>>>,
}

#[derive(Default)]
struct Inner {
    now: Cell<f64>,
    next_id: Cell<u64>,
    tasks: RefCell<HashMap<u64, LocalBoxFuture<'static, ()>>>,
    ready: Ready,
    timers: RefCell<Vec<Timer>>,
}

/// The fake host; clones share one clock and one task queue.
#[derive(Clone, Default)]
pub struct FakeHost {
    inner: Rc<Inner>,
}

/// Where [`FakeHost::start`] puts a future's output.
pub struct Output<T>(Rc<RefCell<Option<T>>>);

impl<T> Output<T> {
    /// The output, once (`None` while the future has not finished).
    pub fn take(&self) -> Option<T> {
        self.0.borrow_mut().take()
    }
}

impl FakeHost {
    pub fn new() -> FakeHost {
        FakeHost::default()
    }

    /// Spawns `future`; its output lands in the returned [`Output`].
    pub fn start<T: 'static>(&self, future: impl Future<Output = T> + 'static) -> Output<T> {
        let out = Rc::new(RefCell::new(None));
        let slot = out.clone();
        self.spawn(Box::pin(async move {
            let v = future.await;
            *slot.borrow_mut() = Some(v);
        }));
        Output(out)
    }

    /// Runs every task until none can make progress without time passing.
    pub fn run(&self) {
        loop {
            let next = self.inner.ready.lock().ok().and_then(|mut q| q.pop_front());
            let Some(id) = next else { break };
            let task = self.inner.tasks.borrow_mut().remove(&id);
            let Some(mut task) = task else { continue };
            let waker = Waker::from(Arc::new(TaskWaker {
                id,
                ready: self.inner.ready.clone(),
            }));
            let mut cx = Context::from_waker(&waker);
            if task.as_mut().poll(&mut cx).is_pending() {
                self.inner.tasks.borrow_mut().insert(id, task);
            }
        }
    }

    /// Moves the clock `ms` forward, firing due timers in order and running the tasks
    /// they wake after each.
    pub fn advance(&self, ms: f64) {
        let target = self.inner.now.get() + ms;
        self.run();
        loop {
            let due = {
                let mut timers = self.inner.timers.borrow_mut();
                let earliest = timers
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.at <= target)
                    .min_by(|(_, a), (_, b)| a.at.total_cmp(&b.at).then(a.seq.cmp(&b.seq)))
                    .map(|(i, _)| i);
                earliest.map(|i| timers.swap_remove(i))
            };
            let Some(timer) = due else { break };
            if timer.at > self.inner.now.get() {
                self.inner.now.set(timer.at);
            }
            timer.fired.set(true);
            if let Some(w) = timer.waker.borrow_mut().take() {
                w.wake();
            }
            self.run();
        }
        self.inner.now.set(target);
        self.run();
    }

    /// How many tasks have not finished.
    pub fn pending_tasks(&self) -> usize {
        self.inner.tasks.borrow().len()
    }
}

struct Sleep {
    fired: Rc<Cell<bool>>,
    waker: Rc<RefCell<Option<Waker>>>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.fired.get() {
            return Poll::Ready(());
        }
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Host for FakeHost {
    fn now(&self) -> f64 {
        self.inner.now.get()
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        let fired = Rc::new(Cell::new(false));
        let waker = Rc::new(RefCell::new(None));
        let seq = self.inner.next_id.get() + 1;
        self.inner.next_id.set(seq);
        self.inner.timers.borrow_mut().push(Timer {
            at: self.inner.now.get() + ms.max(0.0),
            seq,
            fired: fired.clone(),
            waker: waker.clone(),
        });
        Box::pin(Sleep { fired, waker })
    }

    fn spawn(&self, task: LocalBoxFuture<'static, ()>) {
        let id = self.inner.next_id.get() + 1;
        self.inner.next_id.set(id);
        self.inner.tasks.borrow_mut().insert(id, task);
        if let Ok(mut q) = self.inner.ready.lock() {
            q.push_back(id);
        }
    }
}
