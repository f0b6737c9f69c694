// The N-API boundary for errors: every native failure becomes a JS Int8rtError with a stable code.
// The Int8rtError class comes from lib/errors.ts (handed over once at load by setErrorClass).
#pragma once
#include <napi.h>

#include <exception>
#include <string>

namespace int8rt::napi {

// Builds `new Int8rtError(code, message)` (a plain Error with .code if the class is not set yet).
Napi::Error makeError(Napi::Env env, const std::string& code, const std::string& message);

// Maps the exception in flight (int8rt::Error, std::bad_alloc, std::exception) to code + message.
void describeCurrentException(std::string* code, std::string* message);

// Runs fn and turns any native exception into a thrown JS Int8rtError (for synchronous calls).
template <class F>
auto guarded(Napi::Env env, F&& fn) -> decltype(fn()) {
  std::string code, message;
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    describeCurrentException(&code, &message);
  }
  throw makeError(env, code, message);
}

void registerErrors(Napi::Env env, Napi::Object exports);

}  // namespace int8rt::napi
