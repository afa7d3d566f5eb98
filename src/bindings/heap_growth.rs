//! Where the package's Rust heap gets its memory: dlmalloc (std's allocator on wasm32,
//! here as its own crate, so that its source of memory can be chosen), over wasm memory
//! grown by an eighth of its size at a time (at least 1 MiB), not by exactly the pages an
//! allocation lacks, as std's does.
//!
//! How much a `memory.grow` costs depends on the host. Node 20 (V8 11.3) makes a new
//! `ArrayBuffer` and counts the memory as external, which sets off collections of the JS
//! heap as it rises: one grow took 0.16 ms at a few MB and about 3 ms at a few hundred.
//! Grown a page or two at a time, a Node process whose engine memory was past 60–80 MB
//! (clients of 20,000 queries with an observer each, one after another) took 78–92 µs to
//! make and subscribe an observer, against 20–27 µs below that; grown by an eighth, 26–43 µs
//! up to 212 MB. Filling 20,000 queries with observers once grew the memory 215 times for
//! 19 MiB, and now 15 times, holding at most an eighth more than it needs. Chromium 156
//! grows memory in about 2 µs, so pages gain nothing measurable, and lose nothing.
//! talc, over the same growth, was 1.4 KB smaller packed but about 15% slower in
//! observer churn (many small allocations and frees), so dlmalloc stays.

use core::arch::wasm32::{memory_grow, memory_size};
use core::cell::UnsafeCell;
use core::ptr;

use dlmalloc::{Allocator, Dlmalloc};

const PAGE: usize = 64 * 1024;
/// The least a grow adds: 1 MiB.
const MIN_GROWTH_PAGES: usize = 16;

/// dlmalloc's source of memory: grows wasm memory by an eighth of its size, at least
/// 1 MiB, at least what dlmalloc asks for; never gives any back (wasm memory cannot shrink).
pub struct EighthGrowth;

// SAFETY: hands dlmalloc only pages it has just grown, and frees nothing.
unsafe impl Allocator for EighthGrowth {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let needed = size.div_ceil(PAGE);
        let step = needed.max(memory_size(0) / 8).max(MIN_GROWTH_PAGES);
        // Near the memory's limit an eighth may not fit where the request still does.
        let (base, pages) = match memory_grow(0, step) {
            usize::MAX => match memory_grow(0, needed) {
                usize::MAX => return (ptr::null_mut(), 0, 0),
                base => (base, needed),
            },
            base => (base, step),
        };
        let (start, len) = (base * PAGE, pages * PAGE);
        // Memory that ends at the top of the address space: its last bytes are left out, as
        // std's source does, so that no pointer dlmalloc makes wraps round to 0.
        let len = match start.wrapping_add(len) {
            0 => len - 16,
            _ => len,
        };
        (start as *mut u8, len, 0)
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}

/// The heap: one dlmalloc, used from wasm's one thread.
pub struct Heap(UnsafeCell<Dlmalloc<EighthGrowth>>);

// SAFETY: wasm32 without threads: one thread touches it.
unsafe impl Sync for Heap {}

/// The heap, empty until the first allocation.
pub const fn heap() -> Heap {
    Heap(UnsafeCell::new(Dlmalloc::new_with_allocator(EighthGrowth)))
}

// SAFETY: each call goes to dlmalloc, one at a time (one thread, and dlmalloc calls
// nothing that allocates).
unsafe impl core::alloc::GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        (*self.0.get()).malloc(layout.size(), layout.align())
    }

    unsafe fn alloc_zeroed(&self, layout: core::alloc::Layout) -> *mut u8 {
        (*self.0.get()).calloc(layout.size(), layout.align())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: core::alloc::Layout) {
        (*self.0.get()).free(ptr, layout.size(), layout.align())
    }

    unsafe fn realloc(
        &self,
        ptr: *mut u8,
        layout: core::alloc::Layout,
        new_size: usize,
    ) -> *mut u8 {
        (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size)
    }
}
