// Errors that cross the N-API boundary. Native code throws int8rt::Error; the napi layer turns it into a
// JS Int8rtError carrying the same stable code. Nothing native ever aborts the process.
#pragma once
#include <stdexcept>
#include <string>

namespace int8rt {

enum class ErrorCode {
  InvalidArg,   // ERR_INVALID_ARG
  Shape,        // ERR_SHAPE
  DType,        // ERR_DTYPE
  NonFinite,    // ERR_NONFINITE
  NoCuda,       // ERR_NO_CUDA
  Cuda,         // ERR_CUDA
  Oom,          // ERR_OOM
  Internal,     // ERR_INTERNAL
  UnsupportedOp,  // ERR_UNSUPPORTED_OP
  PlanCorrupt,    // ERR_PLAN_CORRUPT
  PlanVersion,    // ERR_PLAN_VERSION
  Disposed,       // ERR_DISPOSED
};

inline const char* errorCodeName(ErrorCode c) {
  switch (c) {
    case ErrorCode::InvalidArg: return "ERR_INVALID_ARG";
    case ErrorCode::Shape: return "ERR_SHAPE";
    case ErrorCode::DType: return "ERR_DTYPE";
    case ErrorCode::NonFinite: return "ERR_NONFINITE";
    case ErrorCode::NoCuda: return "ERR_NO_CUDA";
    case ErrorCode::Cuda: return "ERR_CUDA";
    case ErrorCode::Oom: return "ERR_OOM";
    case ErrorCode::Internal: return "ERR_INTERNAL";
    case ErrorCode::UnsupportedOp: return "ERR_UNSUPPORTED_OP";
    case ErrorCode::PlanCorrupt: return "ERR_PLAN_CORRUPT";
    case ErrorCode::PlanVersion: return "ERR_PLAN_VERSION";
    case ErrorCode::Disposed: return "ERR_DISPOSED";
  }
  return "ERR_INTERNAL";
}

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace int8rt
