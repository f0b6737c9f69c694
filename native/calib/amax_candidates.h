// What the entropy and mse searches share: the int8 level count and the range of candidate end bins.
#pragma once
#include <cstdint>
#include <vector>

namespace int8rt::calib {

constexpr int64_t kLevels = 128;  // |q| in 0..127: 128 levels of magnitude (int8, symmetric)

// The last candidate end bin: one past the highest occupied bin (at least 128). The bins above it
// are empty only because the range was rounded up to a power-of-two width; a histogram over exactly
// [0, max] (pytorch-quantization's) has no candidates there either.
inline int64_t lastCandidate(const std::vector<uint64_t>& counts) {
  int64_t top = static_cast<int64_t>(counts.size());
  while (top > kLevels && counts[top - 1] == 0) --top;
  return top;
}

}  // namespace int8rt::calib
