// The engine: a loaded plan, one kernel per node, and the machinery to run it. Immutable after
// load() except for two thread-safe caches (memory plans per input-shape signature, and the pool of
// execution contexts), so any number of run() calls may overlap.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/context_pool.h"
#include "engine/op_kernel.h"
#include "engine/plan.h"
#include "engine/run_observer.h"
#include "engine/tensor.h"

namespace int8rt::engine {

struct HostInput {
  DType dtype = DType::Float32;
  Shape shape;
  const void* data = nullptr;
  size_t bytes = 0;
};

struct HostOutput {
  DType dtype = DType::Float32;
  Shape shape;
  std::unique_ptr<uint8_t, void (*)(void*)> data{nullptr, std::free};  // malloc'd: handed to JS as is
  size_t bytes = 0;
};

// The shapes and arena layout for one input-shape signature.
struct MemoryPlan {
  std::vector<TensorInfo> values;       // per value index
  std::vector<size_t> arenaOffset;      // per value index; kNotInArena for inputs, weights, outputs
  size_t arenaBytes = 0;
  size_t workspaceOffset = 0, workspaceBytes = 0;
  static constexpr size_t kNotInArena = SIZE_MAX;
};

class Executor {
 public:
  // Parses, validates and prepares a plan; throws Error(PlanCorrupt / PlanVersion / UnsupportedOp).
  static std::shared_ptr<Executor> load(const uint8_t* data, size_t size);

  // inputs in the plan's input order. observer (optional) sees the values it watches as they are made;
  // it is not locked here: a caller sharing one observer between runs must serialize them.
  std::vector<HostOutput> run(const std::vector<HostInput>& inputs, RunObserver* observer = nullptr);

  const Plan& plan() const { return plan_; }

 private:
  Executor() = default;
  void checkInputs(const std::vector<HostInput>& inputs) const;
  bool needsFloatValues(size_t input) const;  // graph input `input` (by position) feeds a floatValueInputs() slot
  std::shared_ptr<const MemoryPlan> memoryPlanFor(const std::vector<HostInput>& inputs);
  std::shared_ptr<MemoryPlan> buildMemoryPlan(const std::vector<HostInput>& inputs) const;

  Plan plan_;
  std::vector<std::unique_ptr<OpKernel>> kernels_;  // per node
  std::vector<Tensor> weights_;                     // per value index (data null when not a weight)
  std::vector<TensorInfo> weightInfo_;              // per value index
  std::vector<std::unique_ptr<AlignedBuffer>> widened_;  // fp32 copies of fp16 layers' weights
  std::vector<bool> floatValueNeeded_;              // per value index: some kernel reads its floats during inference

  static constexpr size_t kMaxCachedPlans = 16;
  std::mutex cacheMutex_;
  std::map<std::string, std::shared_ptr<const MemoryPlan>> planCache_;
  ContextPool contexts_;
};

}  // namespace int8rt::engine
