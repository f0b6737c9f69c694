// Module init: each napi/*_napi.cpp registers its own functions.
#include <napi.h>

#include "napi/errors.h"

namespace int8rt::napi {
void registerBackends(Napi::Env env, Napi::Object exports);
void registerGemm(Napi::Env env, Napi::Object exports);
void registerHistogram(Napi::Env env, Napi::Object exports);
void registerBench(Napi::Env env, Napi::Object exports);
void registerEngine(Napi::Env env, Napi::Object exports);
void registerCalibrator(Napi::Env env, Napi::Object exports);
}  // namespace int8rt::napi

static Napi::Object init(Napi::Env env, Napi::Object exports) {
  using namespace int8rt::napi;
  registerErrors(env, exports);
  registerBackends(env, exports);
  registerGemm(env, exports);
  registerHistogram(env, exports);
  registerBench(env, exports);
  registerEngine(env, exports);
  registerCalibrator(env, exports);
  return exports;
}

NODE_API_MODULE(int8rt, init)
