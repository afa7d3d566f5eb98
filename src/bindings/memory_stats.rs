//! How much wasm memory stackquery holds: a counting wrapper around the allocator
//! (heap_growth.rs), and the count for `memoryStats()` (for apps and the soak test), whose
//! object js/face/memory_stats.js makes with the memory's size.
//!
//! Wasm linear memory grows but can never shrink, so the size of the memory says
//! little about leaks once it has grown; the bytes the allocator has handed out and not
//! had back (`heapBytes`) do. The count costs one add per allocation.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::heap_growth::{heap, Heap};
use wasm_bindgen::prelude::*;

struct Counting;

/// The allocator (heap_growth.rs: dlmalloc over memory grown an eighth at a time).
static HEAP: Heap = heap();

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to `HEAP` unchanged; only a counter is kept beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = HEAP.alloc(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = HEAP.alloc_zeroed(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HEAP.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = HEAP.realloc(ptr, layout, new_size);
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The bytes stackquery's Rust side holds now: `heapBytes` of `memoryStats()`, which
/// the face builds in JS (js/face/memory_stats.js).
#[wasm_bindgen(js_name = __heapBytes)]
pub fn heap_bytes() -> f64 {
    LIVE.load(Ordering::Relaxed) as f64
}
