// What kernels see: a shape, an element type and a data pointer. Memory belongs to the executor
// (arena, caller's input buffers, output buffers or the plan's weights), never to the tensor.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"

namespace int8rt::engine {

using Shape = std::vector<int64_t>;

inline int64_t elementCount(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

std::string shapeString(const Shape& s);

// A value's type and shape as shape inference sees it. `constant` holds the contents of small
// int64 tensors known before running (weights; later also Shape-derived values), which ops such as
// Reshape need to tell their output shape.
struct TensorInfo {
  DType dtype = DType::Float32;
  Shape shape;
  std::optional<std::vector<int64_t>> constant;
  // The contents of a small float32 tensor an op declared it needs for inference (Resize scales).
  std::optional<std::vector<float>> floatValues;
};

struct Tensor {
  DType dtype = DType::Float32;
  Shape shape;
  void* data = nullptr;

  int64_t size() const { return elementCount(shape); }
  size_t bytes() const { return static_cast<size_t>(size()) * dtypeSize(dtype); }
  template <class T> T* as() const { return static_cast<T*>(data); }
};

}  // namespace int8rt::engine
