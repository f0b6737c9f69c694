// Element types shared by every layer. The order matches lib/tensor.ts's DTYPES list.
#pragma once
#include <cstddef>
#include <cstdint>

namespace int8rt {

enum class DType : int { Float32 = 0, Float16 = 1, Int8 = 2, Uint8 = 3, Int32 = 4, Int64 = 5, Bool = 6 };

inline size_t dtypeSize(DType t) {
  switch (t) {
    case DType::Float32: case DType::Int32: return 4;
    case DType::Float16: return 2;
    case DType::Int8: case DType::Uint8: case DType::Bool: return 1;
    case DType::Int64: return 8;
  }
  return 0;
}

}  // namespace int8rt
