// What other napi files (calibrator_napi.cpp) share with engine_napi.cpp.
#pragma once
#include <napi.h>

#include <memory>

#include "engine/executor.h"

namespace int8rt::napi {

// One {type, data, dims} input, read in place (the caller keeps `data` alive while it is used).
engine::HostInput readInput(const Napi::Value& v, size_t index);

// The executor of a NativeEngine object; ERR_INVALID_ARG for another object, ERR_DISPOSED after dispose().
std::shared_ptr<engine::Executor> executorOf(const Napi::Value& engine);

}  // namespace int8rt::napi
