// Numpy-style broadcasting of any number of inputs to one output shape, walked row by row (a row is
// the output's last dim), so kernels keep a tight inner loop with one stride per input.
#pragma once
#include <vector>

#include "cpu/ops/op_util.h"

namespace int8rt::cpu::ops {

// Element strides of `s` read as broadcast to `out` (0 along broadcast dims).
inline std::vector<int64_t> broadcastStrides(const Shape& s, const Shape& out) {
  const size_t r = out.size(), pad = r - s.size();
  std::vector<int64_t> st(r, 0);
  int64_t stride = 1;
  for (size_t i = r; i-- > pad;) {
    const int64_t d = s[i - pad];
    st[i] = d == 1 ? 0 : stride;
    stride *= d;
  }
  return st;
}

inline Shape broadcastAll(const std::vector<const TensorInfo*>& in) {
  Shape out;
  for (const TensorInfo* t : in) {
    if (!t) shapeError("a required input is missing");
    out = broadcastShapes(out, t->shape);
  }
  return out;
}

class BroadcastRows {
 public:
  BroadcastRows(const Shape& out, const std::vector<Shape>& ins) : out_(out) {
    inner_ = out.empty() ? 1 : out.back();
    rows_ = inner_ == 0 ? 0 : elementCount(out) / inner_;
    for (const Shape& s : ins) strides_.push_back(broadcastStrides(s, out));
  }
  int64_t rows() const { return rows_; }
  int64_t inner() const { return inner_; }
  // Stride of input k along the row (0 or 1).
  int64_t innerStride(size_t k) const { return out_.empty() ? 0 : strides_[k].back(); }
  // Offset of input k's element at the start of `row`.
  int64_t offset(size_t k, int64_t row) const {
    int64_t off = 0;
    for (size_t d = out_.size() - (out_.empty() ? 0 : 1); d-- > 0;) {
      off += row % out_[d] * strides_[k][d];
      row /= out_[d];
    }
    return off;
  }

 private:
  Shape out_;
  int64_t inner_ = 1, rows_ = 0;
  std::vector<std::vector<int64_t>> strides_;
};

}  // namespace int8rt::cpu::ops
