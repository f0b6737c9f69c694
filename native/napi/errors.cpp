#include "napi/errors.h"

#include <new>

#include "core/error.h"

namespace int8rt::napi {

namespace {
struct ErrorClass {
  Napi::FunctionReference ctor;
};
}  // namespace

Napi::Error makeError(Napi::Env env, const std::string& code, const std::string& message) {
  auto* holder = env.GetInstanceData<ErrorClass>();
  if (holder && !holder->ctor.IsEmpty()) {
    Napi::Object err = holder->ctor.New({Napi::String::New(env, code), Napi::String::New(env, message)});
    return Napi::Error(env, err);
  }
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  return err;
}

void describeCurrentException(std::string* code, std::string* message) {
  try {
    throw;
  } catch (const Error& e) {
    *code = errorCodeName(e.code());
    *message = e.what();
  } catch (const std::bad_alloc&) {
    *code = "ERR_OOM";
    *message = "out of host memory";
  } catch (const std::exception& e) {
    *code = "ERR_INTERNAL";
    *message = std::string("internal error: ") + e.what();
  } catch (...) {
    *code = "ERR_INTERNAL";
    *message = "internal error: unknown exception";
  }
}

void registerErrors(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new ErrorClass());
  exports.Set("setErrorClass", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
    auto* holder = info.Env().GetInstanceData<ErrorClass>();
    holder->ctor = Napi::Persistent(info[0].As<Napi::Function>());
  }));
}

}  // namespace int8rt::napi
