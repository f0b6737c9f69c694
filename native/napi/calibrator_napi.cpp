// NativeCalibrator (the native half of lib/calibrate/calibrate.ts).
//   new NativeCalibrator(engine, values: number[], names: string[], bins, skipNonFinite)
//   calibrator.run([{type, data, dims}, …]) -> Promise<void>   one sample on a worker; activations are
//                                                               binned in place, none comes back to JS
//   calibrator.histogram(i) -> NativeHistogramState             watch i's histogram, between runs
//   calibrator.skipped(i) -> number                             non-finite values left out of watch i
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "calib/calibrator.h"
#include "core/error.h"
#include "napi/async_task.h"
#include "napi/engine_napi.h"
#include "napi/errors.h"
#include "napi/histogram_state.h"

namespace int8rt::napi {

namespace {

class CalibratorWrap : public Napi::ObjectWrap<CalibratorWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativeCalibrator",
                       {InstanceMethod<&CalibratorWrap::run>("run"),
                        InstanceMethod<&CalibratorWrap::histogram>("histogram"),
                        InstanceMethod<&CalibratorWrap::skipped>("skipped")});
  }

  explicit CalibratorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CalibratorWrap>(info) {
    guarded(info.Env(), [&] {
      std::shared_ptr<engine::Executor> ex = executorOf(info[0]);
      if (!info[1].IsArray() || !info[2].IsArray()) throw Error(ErrorCode::InvalidArg, "Expected arrays of values and names");
      Napi::Array values = info[1].As<Napi::Array>(), names = info[2].As<Napi::Array>();
      if (values.Length() != names.Length()) throw Error(ErrorCode::InvalidArg, "Expected one name per value");
      std::vector<calib::Calibrator::Watch> watches;
      for (uint32_t i = 0; i < values.Length(); ++i) {
        Napi::Value v = values.Get(i), n = names.Get(i);
        if (!v.IsNumber() || !n.IsString()) throw Error(ErrorCode::InvalidArg, "Expected a value index and a name for watch " + std::to_string(i));
        watches.push_back({v.As<Napi::Number>().Int32Value(), n.As<Napi::String>().Utf8Value()});
      }
      const double bins = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : calib::Histogram::kDefaultBins;
      if (bins != static_cast<double>(static_cast<int64_t>(bins)))
        throw Error(ErrorCode::InvalidArg, "Expected an integer number of bins for bins");
      calibrator_ = std::make_shared<calib::Calibrator>(ex, std::move(watches), static_cast<int64_t>(bins), info[4].ToBoolean());
    });
  }

 private:
  Napi::Value run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      std::vector<Napi::Value> keep{info[0]};
      std::vector<engine::HostInput> inputs = readInputs(info[0], keep);
      std::shared_ptr<calib::Calibrator> c = calibrator_;
      // The outputs are dropped: calibration only wants what the observer saw.
      return AsyncTask::start(
          env, "int8rt.calibrate", [c, inputs] { c->run(inputs); },
          [](Napi::Env env) -> Napi::Value { return env.Undefined(); }, keep);
    });
  }

  Napi::Value histogram(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value { return histogramState(info.Env(), calibrator_->histogram(index(info))); });
  }

  Napi::Value skipped(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      return Napi::Number::New(info.Env(), static_cast<double>(calibrator_->skipped(index(info))));
    });
  }

  size_t index(const Napi::CallbackInfo& info) const {
    const double i = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
    if (!(i >= 0 && i < static_cast<double>(calibrator_->size())) || i != static_cast<double>(static_cast<size_t>(i)))
      throw Error(ErrorCode::InvalidArg, "Expected a watch index below " + std::to_string(calibrator_->size()));
    return static_cast<size_t>(i);
  }

  std::shared_ptr<calib::Calibrator> calibrator_;
};

}  // namespace

void registerCalibrator(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeCalibrator", CalibratorWrap::define(env));
}

}  // namespace int8rt::napi
