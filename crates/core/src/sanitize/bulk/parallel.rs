//! Runs the parts of one batch on scoped threads, results in input order.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::thread;

/// Below this many bytes per part, another thread costs more than it saves.
pub const MIN_PART_BYTES: usize = 128 * 1024;

/// How many parts a batch of `bytes` is cut into with `jobs` threads.
pub fn part_count(bytes: usize, jobs: usize) -> usize {
    jobs.min(bytes / MIN_PART_BYTES).max(1)
}

/// `work` on every part, the first on the calling thread and the others each on its own scoped
/// thread; `None` for a part whose work panicked (a bug: the caller reports it as an internal
/// error). When a thread cannot be started, its part runs on the calling thread.
pub fn run_parts<T, R>(parts: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<Option<R>>
where
    T: Send,
    R: Send,
{
    let guarded = |part: T| catch_unwind(AssertUnwindSafe(|| work(part))).ok();
    // Each part waits in a slot: a thread takes its own, and a part whose thread could not be
    // started is still there for the calling thread.
    let slots: Vec<Mutex<Option<T>>> = parts.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let take = |index: usize| {
        slots
            .get(index)
            .and_then(|slot| slot.lock().ok())
            .and_then(|mut slot| slot.take())
    };
    if slots.len() <= 1 {
        return (0..slots.len())
            .map(|i| take(i).and_then(guarded))
            .collect();
    }
    thread::scope(|scope| {
        let guarded = &guarded;
        let take = &take;
        let handles: Vec<_> = (1..slots.len())
            .map(|index| {
                thread::Builder::new()
                    .spawn_scoped(scope, move || take(index).and_then(guarded))
                    .ok()
            })
            .collect();
        let mut results = Vec::with_capacity(slots.len());
        results.push(take(0).and_then(guarded));
        for (offset, handle) in handles.into_iter().enumerate() {
            results.push(match handle {
                Some(handle) => handle.join().ok().flatten(),
                None => take(offset + 1).and_then(guarded),
            });
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order() {
        let parts: Vec<usize> = (0..8).collect();
        let results = run_parts(parts, |n| {
            // Later parts finish first.
            thread::sleep(std::time::Duration::from_millis((8 - n as u64) * 2));
            n * 10
        });
        assert_eq!(results, (0..8).map(|n| Some(n * 10)).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_part_is_none_and_the_others_finish() {
        let results = run_parts(vec![1, 2, 3], |n| {
            if n == 2 {
                panic!("bug");
            }
            n
        });
        assert_eq!(results, [Some(1), None, Some(3)]);
    }

    #[test]
    fn small_batches_stay_on_one_thread() {
        assert_eq!(part_count(10, 8), 1);
        assert_eq!(part_count(MIN_PART_BYTES * 3, 8), 3);
        assert_eq!(part_count(MIN_PART_BYTES * 100, 2), 2);
        assert_eq!(part_count(MIN_PART_BYTES * 100, 0), 1);
    }
}
