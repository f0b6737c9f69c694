// gemm(desc, a, b, c, bias, scaleB, async) -> Promise<void> | undefined. C is preallocated by lib/gemm.ts.
#include <napi.h>

#include "core/dtype.h"
#include "core/gemm_desc.h"
#include "cpu/gemm.h"
#include "napi/args.h"
#include "napi/async_task.h"
#include "napi/errors.h"
#include "napi/gemm_desc_napi.h"
#ifdef INT8RT_HAVE_CUDA
#include "cuda/cuda_api.h"
#endif

namespace int8rt::napi {

namespace {

void runGemm(const GemmDesc& d, bool cuda) {
  if (!cuda) return cpu::gemm(d);
#ifdef INT8RT_HAVE_CUDA
  cuda::gemm(d);
#else
  throw Error(ErrorCode::NoCuda, "this build of int8rt has no CUDA kernels (nvcc was not found when it was built)");
#endif
}

Napi::Value gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    Napi::Object o = info[0].As<Napi::Object>();
    GemmDesc d = readGemmDesc(o);
    const bool cuda = boolProp(o, "cuda"), async = boolProp(o, "async");

    size_t in = dtypeSize(d.inType);
    d.A = typedArrayBytes(info[1], "a", d.M * d.K * in).data;
    d.B = typedArrayBytes(info[2], "b", d.K * d.N * in).data;
    d.C = typedArrayBytes(info[3], "c", d.M * d.N * dtypeSize(d.outType)).data;
    std::vector<Napi::Value> keep{info[1], info[2], info[3]};
    if (info[4].IsTypedArray()) {
      d.bias = static_cast<const float*>(typedArrayBytes(info[4], "bias", d.N * 4).data);
      keep.push_back(info[4]);
    }
    if (info[5].IsTypedArray()) {
      d.scaleB = static_cast<const float*>(typedArrayBytes(info[5], "scaleB", d.N * 4).data);
      keep.push_back(info[5]);
    }
    if (!async) {
      runGemm(d, cuda);
      return env.Undefined();
    }
    return AsyncTask::start(env, "int8rt.gemm", [d, cuda] { runGemm(d, cuda); }, nullptr, keep);
  });
}

}  // namespace

void registerGemm(Napi::Env env, Napi::Object exports) { exports.Set("gemm", Napi::Function::New(env, gemm)); }

}  // namespace int8rt::napi
