//! How much wasm memory stackquery holds: a counting wrapper around the allocator
//! (heap_growth.rs), and `memoryStats()` for apps and the soak test.
//!
//! Wasm linear memory grows but can never shrink, so the size of the memory says
//! little about leaks once it has grown; the bytes the allocator has handed out and not
//! had back (`heapBytes`) do. The count costs one add per allocation.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::convert::set_prop;
use super::heap_growth::{heap, Heap};
use js_sys::Object;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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

/// `memoryStats()` → `{ heapBytes, memoryBytes }`: bytes stackquery's Rust side holds
/// now, and the size of the wasm memory (its high-water mark: it never shrinks).
#[wasm_bindgen(js_name = memoryStats)]
pub fn memory_stats() -> JsValue {
    let o = Object::new();
    let heap = LIVE.load(Ordering::Relaxed) as f64;
    let memory = wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64;
    set_prop(&o, "heapBytes", &heap.into());
    set_prop(&o, "memoryBytes", &memory.into());
    o.into()
}
