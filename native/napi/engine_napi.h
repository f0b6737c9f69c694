// What other napi files (calibrator_napi.cpp) share with engine_napi.cpp.
#pragma once
#include <napi.h>

#include <memory>
#include <vector>

#include "engine/executor.h"

namespace int8rt::napi {

// One {type, data, dims} input, read in place (the caller keeps `data` alive while it is used).
engine::HostInput readInput(const Napi::Value& v, size_t index);

// An array of such inputs; appends each input's data to `keep` so the caller can hold it alive.
std::vector<engine::HostInput> readInputs(const Napi::Value& v, std::vector<Napi::Value>& keep);

// The executor of a NativeEngine object; ERR_INVALID_ARG for another object, ERR_DISPOSED after dispose().
std::shared_ptr<engine::Executor> executorOf(const Napi::Value& engine);

}  // namespace int8rt::napi
