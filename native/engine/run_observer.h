// A hook into Executor::run for calibration: the executor hands each watched value to observe()
// while its buffer is still valid — graph inputs before the first node, every other value right
// after the node that makes it, before a later node can reuse its arena memory.
#pragma once
#include "engine/tensor.h"

namespace int8rt::engine {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual bool watches(int value) const = 0;
  // May throw (e.g. ERR_NONFINITE): the run stops there and the error reaches the caller.
  virtual void observe(int value, const Tensor& t) = 0;
};

}  // namespace int8rt::engine
