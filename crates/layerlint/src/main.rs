//! The `layerlint` binary: see the library for everything it does.

/// mimalloc rather than the C library's allocator: a lint run allocates and frees small
/// objects by the million (syntax trees, words, findings), and glibc's malloc was a fifth
/// of a corpus run's time (musl's, in the container image, is slower still). Version 2,
/// without transparent huge pages, keeps the peak RSS of a whole-corpus run within budget.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    layerlint::main()
}
