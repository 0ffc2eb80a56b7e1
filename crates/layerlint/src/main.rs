//! The `layerlint` binary: see the library for everything it does.

// The one exception to the workspace's `unsafe_code = "deny"`: the allocator below.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc, mi_zalloc};

/// mimalloc rather than the C library's allocator: a lint run allocates and frees small
/// objects by the million (syntax trees, words, findings), and glibc's malloc was a fifth
/// of a corpus run's time (musl's, in the container image, is slower still). Version 2,
/// without transparent huge pages, keeps the peak RSS of a whole-corpus run within budget.
#[global_allocator]
static GLOBAL: Allocator = Allocator;

/// [`mimalloc::MiMalloc`], but through mimalloc's plain entry points for the alignments
/// every block already has. `MiMalloc` asks for each allocation's alignment
/// (`mi_malloc_aligned`), whose checks cost about as much again as the allocation itself;
/// almost every allocation of a run is aligned to 8 bytes or less, which every mimalloc
/// block is (its size classes are multiples of the word size, from word-aligned pages).
struct Allocator;

/// The alignment of every block mimalloc hands out.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each method forwards to mimalloc, either to `MiMalloc` (which upholds the
// `GlobalAlloc` contract for any layout) or, for alignments of at most a word, to the
// unaligned functions, whose blocks are always word-aligned; `dealloc` and `realloc` get
// pointers from these same functions, which `mi_free` and `mi_realloc` accept whatever
// entry point allocated them.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: forwarded, see above.
            unsafe { mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: forwarded, see above.
            unsafe { mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator, so from mimalloc.
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: `ptr` came from this allocator; the new block is word-aligned.
            unsafe { mi_realloc(ptr.cast::<c_void>(), new_size).cast() }
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

fn main() {
    let code = layerlint::run();
    // What `run` printed is in standard output's buffer until this flush (a failed one is
    // ignored, as at any exit).
    let _ = std::io::Write::flush(&mut std::io::stdout());
    exit(code)
}

/// Ends the process at once: the C library's exit would first run mimalloc's exit hook,
/// which walks the heap of this thread to free what the exit frees anyway (a quarter of a
/// millisecond after a run over a thousand files). Nothing else is registered to run at
/// exit: files and temporary directories are closed and removed by `run`. The build that
/// records the profile for the release build (`scripts/build-release.sh`) exits through
/// the C library, whose exit hooks write the profile.
#[cfg(all(unix, not(layerlint_pgo_training)))]
fn exit(code: u8) -> ! {
    // SAFETY: `_exit` ends the process; no code of this process runs after it.
    unsafe { libc::_exit(code.into()) }
}

#[cfg(any(not(unix), layerlint_pgo_training))]
fn exit(code: u8) -> ! {
    std::process::exit(code.into())
}
