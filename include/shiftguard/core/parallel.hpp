#pragma once

// Parallel helpers on oneTBB. Work is split into independent tasks that each write their
// own output slot, so results never depend on how the scheduler interleaves them.

#include <cstddef>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/types.hpp"

namespace shiftguard {

/// Number of threads to use: `requested` when positive, otherwise all the cores oneTBB sees.
inline int resolve_thread_count(int requested) {
  if (requested < 0) {
    throw invalid_argument("n_threads must be >= 0 (0 means all cores), got " +
                           std::to_string(requested));
  }
  return requested == 0 ? tbb::this_task_arena::max_concurrency() : requested;
}

/// Calls `body(begin, end)` on disjoint ranges covering [0, n), in parallel on at most
/// `n_threads` threads (0 = all cores), `grain` indices per task at least. `body` must only
/// write state owned by its own indices.
template <class Body>
void parallel_for_ranges(index n, int n_threads, index grain, Body&& body) {
  if (n <= 0) return;
  const int threads = resolve_thread_count(n_threads);
  if (threads == 1 || n <= grain) {
    body(index{0}, n);
    return;
  }
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<index>(0, n, grain),
                      [&](const tbb::blocked_range<index>& range) {
                        body(range.begin(), range.end());
                      });
  });
}

}  // namespace shiftguard
