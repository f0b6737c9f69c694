// A strided element copy: out[i0..ik] = src[base + Σ i_d · stride_d]. Slice, Split and Expand are
// this copy with different strides (negative for reversed slices, 0 for broadcast dims).
#pragma once
#include <cstring>
#include <vector>

#include "cpu/ops/dispatch.h"
#include "cpu/ops/op_util.h"

namespace int8rt::cpu::ops {

inline void copyStrided(const Tensor& src, void* dst, const Shape& outShape, int64_t base,
                        const std::vector<int64_t>& stride) {
  const int64_t n = elementCount(outShape);
  if (n == 0) return;
  const size_t r = outShape.size();
  const int64_t inner = r ? outShape[r - 1] : 1, innerStride = r ? stride[r - 1] : 0, rows = n / inner;
  dispatchBySize(src.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* s = src.as<T>();
    T* d = static_cast<T*>(dst);
    parallelRange(rows, std::max<int64_t>(1, 8192 / inner), [&](int64_t b, int64_t e) {
      for (int64_t row = b; row < e; ++row) {
        int64_t off = base, rest = row;
        for (size_t k = r - (r ? 1 : 0); k-- > 0;) {
          off += rest % outShape[k] * stride[k];
          rest /= outShape[k];
        }
        T* o = d + row * inner;
        if (innerStride == 1) std::memcpy(o, s + off, inner * sizeof(T));
        else for (int64_t i = 0; i < inner; ++i) o[i] = s[off + i * innerStride];
      }
    });
  });
}

// Row-major element strides of a shape.
inline std::vector<int64_t> stridesOf(const Shape& s) {
  std::vector<int64_t> st(s.size());
  int64_t k = 1;
  for (size_t i = s.size(); i-- > 0;) st[i] = k, k *= s[i];
  return st;
}

}  // namespace int8rt::cpu::ops
