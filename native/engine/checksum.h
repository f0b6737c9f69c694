// FNV-1a 64: the plan checksum (lib/build/plan.ts computes the same). Catches flipped bytes and
// truncation; plans are not a security boundary, so a cryptographic hash would buy nothing.
#pragma once
#include <cstddef>
#include <cstdint>

namespace int8rt::engine {

inline uint64_t fnv1a64(const uint8_t* data, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; ++i) {
    h ^= data[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace int8rt::engine
