// The project's one thread pool for CPU kernels. Size: INT8RT_NUM_THREADS, else the core count.
// parallelFor runs on the pool and the calling thread together. When another call already owns the
// pool (concurrent gemm/run calls, or a nested parallelFor) the work runs on the caller alone, so
// callers never wait on each other and oversubscription cannot happen.
#pragma once
#include <cstdint>
#include <functional>

namespace int8rt {

class ThreadPool {
 public:
  static ThreadPool& global();
  int threads() const;  // including the calling thread
  // Calls fn(i) for every i in [0, n), spread over the pool; returns when all are done.
  void parallelFor(int64_t n, const std::function<void(int64_t)>& fn);

 private:
  ThreadPool(int threads);
  struct Impl;
  Impl* impl_;
};

}  // namespace int8rt
