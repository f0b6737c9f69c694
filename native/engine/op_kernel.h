// The interface every operator implements for a backend. A kernel is made once per node when the
// engine loads (it may pre-pack its weights then) and is immutable afterwards: run() may be called
// from several execution contexts at once.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engine/attributes.h"
#include "engine/plan.h"
#include "engine/tensor.h"

namespace int8rt::engine {

// What a kernel factory sees: the node, its attributes, and which inputs are weights.
struct KernelContext {
  const NodeDesc& node;
  Attributes attributes;
  int opset;
  std::vector<const Tensor*> weights;  // per node input: the weight, or nullptr when computed at run time
};

// Per-run scratch memory, planned into the execution context's arena.
struct RunContext {
  void* workspace = nullptr;
  size_t workspaceBytes = 0;
};

class OpKernel {
 public:
  virtual ~OpKernel() = default;

  // Output types and shapes from the input ones (absent optional inputs are nullptr). Throws
  // Error(Shape / DType) on inputs the op cannot take; the executor adds the node's name.
  virtual std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& inputs) const = 0;

  // Float32 inputs whose contents inferShapes needs (TensorInfo::floatValues), e.g. Resize scales.
  virtual std::vector<size_t> floatValueInputs() const { return {}; }

  // Scratch bytes run() needs for these shapes.
  virtual size_t workspaceBytes(const std::vector<const TensorInfo*>& inputs,
                                const std::vector<TensorInfo>& outputs) const {
    (void)inputs, (void)outputs;
    return 0;
  }

  // Outputs are allocated with the inferred shapes; they never alias the inputs.
  virtual void run(const RunContext& ctx, const std::vector<const Tensor*>& inputs,
                   const std::vector<Tensor*>& outputs) const = 0;
};

}  // namespace int8rt::engine
