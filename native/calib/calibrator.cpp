#include "calib/calibrator.h"

#include "core/error.h"

namespace int8rt::calib {

Calibrator::Calibrator(std::shared_ptr<engine::Executor> executor, std::vector<Watch> watches, int64_t bins,
                       bool skipNonFinite)
    : executor_(std::move(executor)), watches_(std::move(watches)), skipNonFinite_(skipNonFinite) {
  const engine::Plan& plan = executor_->plan();
  slotOfValue_.assign(plan.values.size(), -1);
  for (size_t i = 0; i < watches_.size(); ++i) {
    const Watch& w = watches_[i];
    const std::string what = "calibration tensor '" + w.name + "'";
    if (w.value < 0 || static_cast<size_t>(w.value) >= plan.values.size())
      throw Error(ErrorCode::InvalidArg, what + " is not a value of the plan");
    if (slotOfValue_[w.value] >= 0) throw Error(ErrorCode::InvalidArg, what + " is listed twice");
    if (plan.weightOfValue[w.value] >= 0) throw Error(ErrorCode::InvalidArg, what + " is a weight, not an activation");
    if (plan.values[w.value].dtype != DType::Float32) throw Error(ErrorCode::InvalidArg, what + " is not float32");
    slotOfValue_[w.value] = static_cast<int>(i);
  }
  histograms_.assign(watches_.size(), Histogram(bins));
  skipped_.assign(watches_.size(), 0);
}

void Calibrator::run(const std::vector<engine::HostInput>& inputs) {
  std::lock_guard<std::mutex> lock(mutex_);
  executor_->run(inputs, this);
}

Histogram Calibrator::histogram(size_t i) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return histograms_.at(i);
}

int64_t Calibrator::skipped(size_t i) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return skipped_.at(i);
}

bool Calibrator::watches(int value) const { return slotOfValue_[value] >= 0; }

void Calibrator::observe(int value, const engine::Tensor& t) {
  const int slot = slotOfValue_[value];
  const std::string& name = watches_[slot].name;
  // Shape inference decides run-time types; a value declared float32 could still come out otherwise.
  if (t.dtype != DType::Float32) throw Error(ErrorCode::DType, "calibration tensor '" + name + "' is not float32 at run time");
  skipped_[slot] += histograms_[slot].observe(t.as<const float>(), t.size(), skipNonFinite_, name);
}

}  // namespace int8rt::calib
