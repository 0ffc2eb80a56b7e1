//! The threads that check files: rayon's global pool, with each thread kept on a CPU of
//! its own when the pool has one thread for every CPU the process may use.
//!
//! Left alone, the kernel may start a new thread on the CPU of the thread that made it
//! and move it to an idle one only at a later balancing pass. On this project's 2-CPU
//! virtual machine, whose kernel packs threads onto few CPUs, a run over the corpus often
//! used one CPU for its first 3 to 10 ms, and again for a few milliseconds after a
//! thread had slept: a tenth of the run. A thread pinned to a CPU runs there at once.
//!
//! For the same reason, the thread that lists the directory of the files named while the
//! command line is parsed is started on another CPU than the main thread's
//! ([`spawn_elsewhere`]): left on the main thread's, it used to start only when the main
//! thread waited for it, 1.7 ms after it was made, and the main thread listed the
//! directory itself.
//!
//! The threads are pinned only when there is one for each CPU the process may run on, so
//! a pool narrowed by `RAYON_NUM_THREADS` or a CPU quota stays free to move. Pinned
//! threads share out the work by stealing it, so a CPU that another process also wants
//! costs the run that CPU's share at most, not more.

/// Starts the global pool (nothing when it is running already).
pub fn start() {
    let builder = rayon::ThreadPoolBuilder::new();
    #[cfg(target_os = "linux")]
    let builder = match pinning::allowed_cpus() {
        Some(cpus) => builder.start_handler(move |index| pinning::pin(&cpus, index)),
        None => builder,
    };
    // An error says the pool was started already (by another thread, or by rayon itself).
    let _ = builder.build_global();
}

/// Runs `work` on a new thread that starts on another CPU than the calling thread's, when
/// the process may use another: left to the kernel, a thread made to work beside its
/// maker may wait on its maker's CPU until that one sleeps (see the module's notes). The
/// thread is then free to move, as any other, and the threads it makes are too.
pub fn spawn_elsewhere(work: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let Some(cpus) = pinning::allowed_cpus() else {
            return std::thread::Builder::new().spawn(work).map(drop);
        };
        let moved = Arc::new(AtomicBool::new(false));
        let handle = std::thread::Builder::new().spawn({
            let moved = Arc::clone(&moved);
            let cpus = cpus.clone();
            move || {
                // Free again only once moved: freed first, it would stay kept off.
                while !moved.load(Ordering::Acquire) {
                    std::thread::park();
                }
                pinning::allow(&cpus);
                work();
            }
        })?;
        pinning::keep_off_this_cpu(&handle, &cpus);
        moved.store(true, Ordering::Release);
        handle.thread().unpark();
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    std::thread::Builder::new().spawn(work).map(drop)
}

#[cfg(target_os = "linux")]
mod pinning {
    use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
    use nix::unistd::Pid;

    /// The CPUs this thread may run on, when there are two or more.
    pub fn allowed_cpus() -> Option<Vec<usize>> {
        let cpus = affinity()?;
        (cpus.len() >= 2).then_some(cpus)
    }

    /// The CPUs this thread may run on.
    fn affinity() -> Option<Vec<usize>> {
        let set = sched_getaffinity(Pid::from_raw(0)).ok()?;
        Some(
            (0..CpuSet::count())
                .filter(|&cpu| set.is_set(cpu).unwrap_or(false))
                .collect(),
        )
    }

    /// Lets this thread run on any of `cpus` (and no other). Unpinned or pinned elsewhere
    /// is only slower: an error is left alone.
    pub fn allow(cpus: &[usize]) {
        let mut set = CpuSet::new();
        for &cpu in cpus {
            let _ = set.set(cpu);
        }
        let _ = sched_setaffinity(Pid::from_raw(0), &set);
    }

    /// Keeps the thread of `handle`, made by this one, on `cpus` but the one this thread
    /// runs on: moved now, if it was queued behind this one.
    #[allow(unsafe_code)]
    pub fn keep_off_this_cpu<T>(handle: &std::thread::JoinHandle<T>, cpus: &[usize]) {
        use std::os::unix::thread::JoinHandleExt;
        let Ok(here) = nix::sched::sched_getcpu() else {
            return;
        };
        let others: Vec<usize> = cpus.iter().copied().filter(|&cpu| cpu != here).collect();
        if others.is_empty() {
            return;
        }
        // SAFETY: an all-zero `cpu_set_t` is the empty set (as `CPU_ZERO` makes it); the
        // CPUs added are below `CpuSet::count()`, the set's size in bits (`affinity` read
        // them from such a set). The thread is neither joined nor detached while `handle`
        // is borrowed, so its `pthread_t` is valid. An error leaves the thread where it
        // is (only slower).
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            for cpu in others {
                libc::CPU_SET(cpu, &mut set);
            }
            libc::pthread_setaffinity_np(
                handle.as_pthread_t(),
                std::mem::size_of::<libc::cpu_set_t>(),
                &set,
            );
        }
    }

    /// Keeps the pool's thread `index` on one of `cpus`, when the pool has a thread for
    /// each of them.
    pub fn pin(cpus: &[usize], index: usize) {
        if rayon::current_num_threads() == cpus.len() {
            allow(&[cpus[index % cpus.len()]]);
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// A pool of `threads` threads that `pin` is asked to pin to `cpus`, and the CPUs
        /// each of its threads may run on.
        fn pool_affinities(cpus: &[usize], threads: usize) -> Vec<Option<Vec<usize>>> {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .start_handler({
                    let cpus = cpus.to_vec();
                    move |index| pin(&cpus, index)
                })
                .build()
                .expect("a pool");
            pool.broadcast(|_| affinity())
        }

        #[test]
        fn a_pinned_thread_runs_on_its_cpu_only() {
            let Some(cpus) = allowed_cpus() else {
                return; // One CPU: nothing to pin.
            };
            let mut seen: Vec<Vec<usize>> = pool_affinities(&cpus, cpus.len())
                .into_iter()
                .map(|cpus| cpus.expect("affinity"))
                .collect();
            seen.sort();
            let expected: Vec<Vec<usize>> = cpus.iter().map(|&cpu| vec![cpu]).collect();
            assert_eq!(seen, expected);
        }

        #[test]
        fn a_thread_kept_off_runs_on_the_other_cpus() {
            let Some(cpus) = allowed_cpus() else {
                return;
            };
            let (tell, told) = std::sync::mpsc::channel();
            let handle = std::thread::spawn(move || {
                told.recv().expect("told");
                affinity()
            });
            let here = nix::sched::sched_getcpu().expect("a CPU");
            keep_off_this_cpu(&handle, &cpus);
            tell.send(()).expect("sent");
            let others: Vec<usize> = cpus.iter().copied().filter(|&cpu| cpu != here).collect();
            assert_eq!(handle.join().expect("joined"), Some(others));
        }

        #[test]
        fn a_thread_spawned_elsewhere_is_free_to_move_when_it_works() {
            let Some(cpus) = allowed_cpus() else {
                return;
            };
            let (tell, told) = std::sync::mpsc::channel();
            super::super::spawn_elsewhere(move || tell.send(affinity()).expect("sent"))
                .expect("spawned");
            assert_eq!(told.recv().expect("told"), Some(cpus));
        }

        #[test]
        fn a_pool_narrower_than_the_cpus_is_left_free() {
            let Some(cpus) = allowed_cpus() else {
                return;
            };
            let free = pool_affinities(&cpus, cpus.len() - 1);
            assert!(free.iter().all(|set| set.as_deref() == Some(&cpus[..])));
        }
    }
}
