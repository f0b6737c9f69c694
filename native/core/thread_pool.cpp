#include "core/thread_pool.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace int8rt {

struct ThreadPool::Impl {
  int threads = 1;
  std::vector<std::thread> workers;
  std::mutex owner;  // held by the caller whose job is on the pool

  // The current job, published under `m`.
  std::mutex m;
  std::condition_variable wake, done;
  uint64_t generation = 0;
  const std::function<void(int64_t)>* fn = nullptr;
  int64_t count = 0;
  std::atomic<int64_t> next{0};
  int busyWorkers = 0;
  std::exception_ptr error;

  void work() {
    for (;;) {
      int64_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      try {
        (*fn)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(m);
        if (!error) error = std::current_exception();
        next.store(count);
      }
    }
  }

  void workerLoop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(m);
        wake.wait(lock, [&] { return generation != seen; });
        seen = generation;
      }
      work();
      std::lock_guard<std::mutex> lock(m);
      if (--busyWorkers == 0) done.notify_one();
    }
  }
};

static int configuredThreads() {
  if (const char* env = std::getenv("INT8RT_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1 && n <= 1024) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

ThreadPool& ThreadPool::global() {
  // Leaked on purpose: workers must outlive every static destructor that might still run kernels.
  static ThreadPool* pool = new ThreadPool(configuredThreads());
  return *pool;
}

ThreadPool::ThreadPool(int threads) : impl_(new Impl) {
  impl_->threads = threads;
  for (int t = 1; t < threads; ++t) {
    impl_->workers.emplace_back([this] { impl_->workerLoop(); });
    impl_->workers.back().detach();
  }
}

int ThreadPool::threads() const { return impl_->threads; }

void ThreadPool::parallelFor(int64_t n, const std::function<void(int64_t)>& fn) {
  if (n <= 0) return;
  std::unique_lock<std::mutex> own(impl_->owner, std::try_to_lock);
  if (n == 1 || impl_->threads == 1 || !own.owns_lock()) {
    for (int64_t i = 0; i < n; ++i) fn(i);
    return;
  }
  Impl& p = *impl_;
  {
    std::lock_guard<std::mutex> lock(p.m);
    p.fn = &fn;
    p.count = n;
    p.next.store(0);
    p.error = nullptr;
    p.busyWorkers = static_cast<int>(p.workers.size());
    ++p.generation;
  }
  p.wake.notify_all();
  p.work();
  std::unique_lock<std::mutex> lock(p.m);
  p.done.wait(lock, [&] { return p.busyWorkers == 0; });
  p.fn = nullptr;
  if (p.error) std::rethrow_exception(p.error);
}

}  // namespace int8rt
