//! The threads that check files: rayon's global pool, with each thread kept on a CPU of
//! its own when the pool has one thread for every CPU the process may use.
//!
//! Left alone, the kernel may start a new thread on the CPU of the thread that made it
//! and move it to an idle one only at a later balancing pass. On this project's 2-CPU
//! virtual machine, whose kernel packs threads onto few CPUs, a run over the corpus often
//! used one CPU for its first 3 to 10 ms, and again for a few milliseconds after a
//! thread had slept: a tenth of the run. A thread pinned to a CPU runs there at once.
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

    /// Keeps the pool's thread `index` on one of `cpus`, when the pool has a thread for
    /// each of them.
    pub fn pin(cpus: &[usize], index: usize) {
        if rayon::current_num_threads() != cpus.len() {
            return;
        }
        let mut one = CpuSet::new();
        if one.set(cpus[index % cpus.len()]).is_ok() {
            // Unpinned is only slower: an error is left alone.
            let _ = sched_setaffinity(Pid::from_raw(0), &one);
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
        fn a_pool_narrower_than_the_cpus_is_left_free() {
            let Some(cpus) = allowed_cpus() else {
                return;
            };
            let free = pool_affinities(&cpus, cpus.len() - 1);
            assert!(free.iter().all(|set| set.as_deref() == Some(&cpus[..])));
        }
    }
}
