// Small helpers shared by the CPU op kernels: shape checks, axis handling, broadcasting, and a
// chunked parallel loop over the project thread pool.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"
#include "engine/tensor.h"

namespace int8rt::cpu::ops {

using engine::Shape;
using engine::Tensor;
using engine::TensorInfo;
using engine::elementCount;
using engine::shapeString;

[[noreturn]] inline void shapeError(const std::string& message) { throw Error(ErrorCode::Shape, message); }

inline void requireFloat(const TensorInfo* t, const char* what) {
  if (!t) shapeError(std::string("the required input ") + what + " is missing");
  if (t->dtype != DType::Float32) throw Error(ErrorCode::DType, std::string("input ") + what + " must be float32");
}

inline void requireRank(const TensorInfo& t, size_t rank, const char* what) {
  if (t.shape.size() != rank)
    shapeError(std::string("input ") + what + " must have rank " + std::to_string(rank) + " but has dims " + shapeString(t.shape));
}

// ONNX axes may count from the end.
inline int64_t normalizeAxis(int64_t axis, int64_t rank, const char* what = "axis") {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    shapeError(std::string(what) + " " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

inline int64_t product(const Shape& s, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end && i < s.size(); ++i) n *= s[i];
  return n;
}

// Numpy-style broadcast of two shapes.
inline Shape broadcastShapes(const Shape& a, const Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t x = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t y = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (x != y && x != 1 && y != 1)
      shapeError("shapes " + shapeString(a) + " and " + shapeString(b) + " cannot be broadcast together");
    out[i] = x == 1 ? y : x;
  }
  return out;
}

// Calls fn(begin, end) over [0, n) in chunks of at least `grain` items, on the thread pool.
template <class F>
void parallelRange(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  const int64_t threads = ThreadPool::global().threads();
  const int64_t chunks = std::min<int64_t>(std::max<int64_t>(n / std::max<int64_t>(grain, 1), 1), threads * 4);
  if (chunks <= 1) return fn(int64_t{0}, n);
  const int64_t step = (n + chunks - 1) / chunks;
  ThreadPool::global().parallelFor(chunks, [&](int64_t c) {
    const int64_t begin = c * step, end = std::min(n, begin + step);
    if (begin < end) fn(begin, end);
  });
}

}  // namespace int8rt::cpu::ops
