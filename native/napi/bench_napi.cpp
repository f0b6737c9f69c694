// cudaBenchmarkGemm(desc, a | null, b | null, iterations) -> Promise<number>: the median kernel time in ms of
// the CUDA GEMM (cuda::benchmarkGemm; a / b null = random operands generated on the device). A benchmark
// hook, not public API: it runs on a worker thread because a run at 8192³ takes seconds.
#include <napi.h>

#include <memory>
#include <vector>

#include "core/error.h"
#include "core/gemm_desc.h"
#include "napi/args.h"
#include "napi/async_task.h"
#include "napi/errors.h"
#include "napi/gemm_desc_napi.h"
#ifdef INT8RT_HAVE_CUDA
#include "cuda/cuda_api.h"
#endif

namespace int8rt::napi {

namespace {

Napi::Value cudaBenchmarkGemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
#ifdef INT8RT_HAVE_CUDA
    if (!info[0].IsObject()) throw Error(ErrorCode::InvalidArg, "Expected a gemm description object");
    GemmDesc d = readGemmDesc(info[0].As<Napi::Object>());
    const size_t in = dtypeSize(d.inType);
    std::vector<Napi::Value> keep;
    if (!info[1].IsNull() && !info[1].IsUndefined()) {
      d.A = typedArrayBytes(info[1], "a", d.M * d.K * in).data;
      keep.push_back(info[1]);
    }
    if (!info[2].IsNull() && !info[2].IsUndefined()) {
      d.B = typedArrayBytes(info[2], "b", d.K * d.N * in).data;
      keep.push_back(info[2]);
    }
    const double iterations = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
    if (!(iterations >= 1 && iterations <= 1e9))  // the exact bound is checked by benchmarkGemm
      throw Error(ErrorCode::InvalidArg, "Expected a positive iteration count");
    auto ms = std::make_shared<double>(0.0);
    return AsyncTask::start(
        env, "int8rt.cudaBenchmarkGemm", [d, ms, n = static_cast<int>(iterations)] { *ms = cuda::benchmarkGemm(d, n); },
        [ms](Napi::Env e) -> Napi::Value { return Napi::Number::New(e, *ms); }, keep);
#else
    throw Error(ErrorCode::NoCuda, "this build of int8rt has no CUDA kernels (nvcc was not found when it was built)");
#endif
  });
}

}  // namespace

void registerBench(Napi::Env env, Napi::Object exports) {
  exports.Set("cudaBenchmarkGemm", Napi::Function::New(env, cudaBenchmarkGemm));
}

}  // namespace int8rt::napi
