// The JS GEMM description (lib/native.ts NativeGemmDesc) → GemmDesc, shared by gemm() and the benchmark hook.
// Fills the shape, layout, types and scalar scales; the data pointers are the caller's.
#pragma once
#include <napi.h>

#include <string>

#include "core/dtype.h"
#include "core/error.h"
#include "core/gemm_desc.h"
#include "napi/args.h"

namespace int8rt::napi {

inline DType dtypeProp(const Napi::Object& o, const char* key) {
  int v = static_cast<int>(numberProp(o, key, -1));
  if (v < 0 || v > static_cast<int>(DType::Bool)) throw Error(ErrorCode::DType, std::string("bad dtype code for ") + key);
  return static_cast<DType>(v);
}

inline GemmDesc readGemmDesc(const Napi::Object& o) {
  GemmDesc d;
  d.M = static_cast<int64_t>(numberProp(o, "m", 0));
  d.N = static_cast<int64_t>(numberProp(o, "n", 0));
  d.K = static_cast<int64_t>(numberProp(o, "k", 0));
  if (d.M <= 0 || d.N <= 0 || d.K <= 0) throw Error(ErrorCode::Shape, "gemm dimensions must be positive");
  d.transA = boolProp(o, "transA");
  d.transB = boolProp(o, "transB");
  d.inType = dtypeProp(o, "inType");
  d.outType = dtypeProp(o, "outType");
  d.scaleA = static_cast<float>(numberProp(o, "scaleA", 1));
  d.scaleBScalar = static_cast<float>(numberProp(o, "scaleB", 1));
  d.outScale = static_cast<float>(numberProp(o, "outScale", 1));
  d.relu = boolProp(o, "relu");
  return d;
}

}  // namespace int8rt::napi
