// backends(), the ISA test hook, and fp16 conversions.
#include <napi.h>

#include "core/cpu_features.h"
#include "core/half.h"
#include "core/thread_pool.h"
#include "napi/args.h"
#include "napi/errors.h"
#ifdef INT8RT_HAVE_CUDA
#include "cuda/cuda_api.h"
#endif

namespace int8rt::napi {

namespace {

Napi::Value cudaDevices(Napi::Env env) {
#ifdef INT8RT_HAVE_CUDA
  auto devices = cuda::devices();
  if (devices.empty()) return env.Null();
  Napi::Array list = Napi::Array::New(env, devices.size());
  for (size_t i = 0; i < devices.size(); ++i) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("name", devices[i].name);
    Napi::Array cc = Napi::Array::New(env, 2);
    cc.Set(0u, devices[i].major);
    cc.Set(1u, devices[i].minor);
    d.Set("computeCapability", cc);
    d.Set("memoryBytes", static_cast<double>(devices[i].memoryBytes));
    list.Set(static_cast<uint32_t>(i), d);
  }
  return list;
#else
  return env.Null();
#endif
}

Napi::Value backends(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("isa", isaName(activeIsa()));
  out.Set("detectedIsa", isaName(detectedIsa()));
  out.Set("threads", ThreadPool::global().threads());
#ifdef INT8RT_HAVE_CUDA
  out.Set("cudaCompiled", true);
#else
  out.Set("cudaCompiled", false);
#endif
  out.Set("cudaDevices", cudaDevices(env));
  return out;
}

// Test and benchmark hook: lowers the kernel ISA (never above what the CPU has). Returns success.
Napi::Value setIsa(const Napi::CallbackInfo& info) {
  Isa isa;
  std::string name = info[0].As<Napi::String>();
  bool ok = isaFromName(name.c_str(), &isa) && setActiveIsa(isa);
  return Napi::Boolean::New(info.Env(), ok);
}

// halfToFloat(Uint16Array in, Float32Array out, scalar?: boolean)
Napi::Value halfToFloat(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    Bytes in = typedArrayBytes(info[0], "input", 0);
    int64_t n = in.size / 2;
    Bytes out = typedArrayBytes(info[1], "output", n * 4);
    auto f = info[2].ToBoolean() ? halfToFloatScalarN : halfToFloatN;
    f(static_cast<const uint16_t*>(in.data), static_cast<float*>(out.data), n);
    return info.Env().Undefined();
  });
}

Napi::Value floatToHalf(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    Bytes in = typedArrayBytes(info[0], "input", 0);
    int64_t n = in.size / 4;
    Bytes out = typedArrayBytes(info[1], "output", n * 2);
    auto f = info[2].ToBoolean() ? floatToHalfScalarN : floatToHalfN;
    f(static_cast<const float*>(in.data), static_cast<uint16_t*>(out.data), n);
    return info.Env().Undefined();
  });
}

}  // namespace

void registerBackends(Napi::Env env, Napi::Object exports) {
  exports.Set("backends", Napi::Function::New(env, backends));
  exports.Set("setIsa", Napi::Function::New(env, setIsa));
  exports.Set("halfToFloat", Napi::Function::New(env, halfToFloat));
  exports.Set("floatToHalf", Napi::Function::New(env, floatToHalf));
}

}  // namespace int8rt::napi
