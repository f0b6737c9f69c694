// Histogram (native class behind lib/calibrate/histogram.ts). Synchronous: one observe() over a
// tensor runs at memory speed, faster than scheduling a worker would take.
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "calib/amax.h"
#include "calib/histogram.h"
#include "core/error.h"
#if INT8RT_HAVE_CUDA
#include "cuda/cuda_api.h"
#endif
#include "napi/args.h"
#include "napi/errors.h"
#include "napi/histogram_state.h"

namespace int8rt::napi {

namespace {

// Marks objects made by this class, so merge() never unwraps a foreign object.
constexpr napi_type_tag kHistogramTag = {0x6c1f3a9e2b7d4c51ULL, 0x9a0e8f7b3c2d1e45ULL};

class HistogramWrap : public Napi::ObjectWrap<HistogramWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativeHistogram",
                       {InstanceMethod<&HistogramWrap::observe>("observe"),
                        InstanceMethod<&HistogramWrap::merge>("merge"),
                        InstanceMethod<&HistogramWrap::amax>("amax"),
                        InstanceMethod<&HistogramWrap::state>("state"),
                        InstanceMethod<&HistogramWrap::restore>("restore"),
                        InstanceAccessor<&HistogramWrap::bins>("bins"),
                        InstanceAccessor<&HistogramWrap::count>("count")});
  }

  // new NativeHistogram(bins)
  explicit HistogramWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<HistogramWrap>(info) {
    guarded(info.Env(), [&] {
      double bins = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : calib::Histogram::kDefaultBins;
      if (bins != static_cast<double>(static_cast<int64_t>(bins)))
        throw Error(ErrorCode::InvalidArg, "Expected an integer number of bins for bins");
      h_ = std::make_unique<calib::Histogram>(static_cast<int64_t>(bins));
      info.This().As<Napi::Object>().TypeTag(&kHistogramTag);
    });
  }

 private:
  // observe(data: Float32Array | Uint16Array (half bits), skipNonFinite, name, cuda) -> skipped count.
  // cuda: copy the data to device 0 and count it there (the CUDA kernels' test path).
  Napi::Value observe(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      Bytes b = typedArrayBytes(info[0], "x", 0);
      const auto type = info[0].As<Napi::TypedArray>().TypedArrayType();
      const bool skip = info[1].ToBoolean();
      const std::string name = info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : std::string("x");
      const bool onCuda = info[3].ToBoolean();
      if (type != napi_float32_array && type != napi_uint16_array)
        throw Error(ErrorCode::DType, "Expected float32 data (Float32Array) or float16 bits (Uint16Array) for " + name);
      const bool f32 = type == napi_float32_array;
      const int64_t n = static_cast<int64_t>(b.size / (f32 ? 4 : 2));
      int64_t skipped = 0;
      if (onCuda) {
#if INT8RT_HAVE_CUDA
        cuda::withDeviceCopy(b.data, b.size, 0, [&](const void* d) {
          skipped = h_->observeDevice(d, f32 ? DType::Float32 : DType::Float16, n, skip, name);
        });
#else
        throw Error(ErrorCode::NoCuda, "this build of int8rt has no CUDA kernels (nvcc was not found when it was built)");
#endif
      } else if (f32) {
        skipped = h_->observe(static_cast<const float*>(b.data), n, skip, name);
      } else {
        skipped = h_->observe(static_cast<const uint16_t*>(b.data), n, skip, name);
      }
      return Napi::Number::New(info.Env(), static_cast<double>(skipped));
    });
  }

  Napi::Value merge(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      if (!info[0].IsObject() || !info[0].As<Napi::Object>().CheckTypeTag(&kHistogramTag))
        throw Error(ErrorCode::InvalidArg, "Expected a Histogram for other");
      h_->merge(*Unwrap(info[0].As<Napi::Object>())->h_);
      return info.Env().Undefined();
    });
  }

  // amax(method: 0 max | 1 entropy | 2 percentile | 3 mse, percentile)
  Napi::Value amax(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      int method = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
      if (method < 0 || method > 3) throw Error(ErrorCode::InvalidArg, "unknown amax method code");
      double p = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 99.99;
      return Napi::Number::New(info.Env(), calib::amax(*h_, static_cast<calib::AmaxMethod>(method), p));
    });
  }

  // state() -> { bins, count, max, widthLog2: number | null, counts: Float64Array }
  Napi::Value state(const Napi::CallbackInfo& info) { return histogramState(info.Env(), *h_); }

  // restore(widthLog2: number | null, max, counts: Float64Array of integers)
  Napi::Value restore(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      int widthLog2 = calib::Histogram::kNoRange;
      if (info[0].IsNumber()) widthLog2 = info[0].As<Napi::Number>().Int32Value();
      double maxAbs = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : -1;
      if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
        throw Error(ErrorCode::InvalidArg, "Expected a Float64Array for counts");
      Napi::Float64Array in = info[2].As<Napi::Float64Array>();
      std::vector<uint64_t> counts(in.ElementLength());
      for (size_t j = 0; j < counts.size(); ++j) {
        double c = in[j];
        if (!(c >= 0 && c <= 9007199254740992.0) || c != static_cast<double>(static_cast<uint64_t>(c)))
          throw Error(ErrorCode::InvalidArg, "Invalid histogram state: count " + std::to_string(j) + " is not a non-negative integer");
        counts[j] = static_cast<uint64_t>(c);
      }
      h_->restore(widthLog2, maxAbs, counts);
      return info.Env().Undefined();
    });
  }

  Napi::Value bins(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(h_->bins())); }
  Napi::Value count(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(h_->count())); }

  std::unique_ptr<calib::Histogram> h_;
};

}  // namespace

Napi::Object histogramState(Napi::Env env, const calib::Histogram& h) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("bins", static_cast<double>(h.bins()));
  o.Set("count", static_cast<double>(h.count()));
  o.Set("max", h.maxAbs());
  o.Set("widthLog2", h.hasRange() ? Napi::Value(Napi::Number::New(env, h.widthLog2())) : env.Null());
  Napi::Float64Array counts = Napi::Float64Array::New(env, h.counts().size());
  for (size_t j = 0; j < h.counts().size(); ++j) counts[j] = static_cast<double>(h.counts()[j]);
  o.Set("counts", counts);
  return o;
}

void registerHistogram(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeHistogram", HistogramWrap::define(env));
}

}  // namespace int8rt::napi
