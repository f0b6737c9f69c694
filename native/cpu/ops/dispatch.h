// Calls a generic lambda with a value of the C++ type behind a DType, so one template serves every
// element type an op accepts.
#pragma once
#include <cstdint>
#include <string>

#include "core/error.h"
#include "engine/plan.h"

namespace int8rt::cpu::ops {

// Numeric types (float16 is storage only here: ops that compute on it refuse it).
template <class F>
void dispatchNumeric(DType t, const char* op, F&& f) {
  switch (t) {
    case DType::Float32: return f(float{});
    case DType::Int8: return f(int8_t{});
    case DType::Uint8: return f(uint8_t{});
    case DType::Int32: return f(int32_t{});
    case DType::Int64: return f(int64_t{});
    case DType::Bool: return f(uint8_t{});
    case DType::Float16: break;
  }
  throw Error(ErrorCode::DType, std::string(op) + " does not compute on " + engine::dtypeName(t) + " tensors");
}

// An unsigned type of the element's size: for ops that only move elements.
template <class F>
void dispatchBySize(DType t, F&& f) {
  switch (dtypeSize(t)) {
    case 1: return f(uint8_t{});
    case 2: return f(uint16_t{});
    case 4: return f(uint32_t{});
    default: return f(uint64_t{});
  }
}

}  // namespace int8rt::cpu::ops
