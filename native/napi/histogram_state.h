// A histogram's state as JS sees it (NativeHistogramState in lib/native.ts), shared by
// NativeHistogram.state() and NativeCalibrator.histogram().
#pragma once
#include <napi.h>

#include "calib/histogram.h"

namespace int8rt::napi {

// { bins, count, max, widthLog2: number | null, counts: Float64Array }
Napi::Object histogramState(Napi::Env env, const calib::Histogram& h);

}  // namespace int8rt::napi
