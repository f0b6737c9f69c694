// Execution contexts: the mutable state of one run (its activation arena). Runs take one from the
// pool and give it back, so concurrent runs on one engine never share scratch memory, and the pool
// keeps at most kMaxIdle contexts so memory stays bounded after a burst of runs.
#pragma once
#include <memory>
#include <mutex>
#include <vector>

#include "core/aligned_buffer.h"

namespace int8rt::engine {

struct ExecutionContext {
  AlignedBuffer arena;
};

class ContextPool {
 public:
  static constexpr size_t kMaxIdle = 4;

  class Lease {
   public:
    Lease(ContextPool& pool, std::unique_ptr<ExecutionContext> ctx) : pool_(pool), ctx_(std::move(ctx)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.giveBack(std::move(ctx_)); }
    ExecutionContext& operator*() { return *ctx_; }
    ExecutionContext* operator->() { return ctx_.get(); }

   private:
    ContextPool& pool_;
    std::unique_ptr<ExecutionContext> ctx_;
  };

  Lease take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.empty()) return Lease(*this, std::make_unique<ExecutionContext>());
    auto ctx = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(ctx));
  }

 private:
  void giveBack(std::unique_ptr<ExecutionContext> ctx) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(ctx));
  }

  std::mutex mutex_;
  std::vector<std::unique_ptr<ExecutionContext>> idle_;
};

}  // namespace int8rt::engine
