// Argument conversion helpers for the N-API layer. lib/ validates every argument first; these checks
// are the last line that keeps native code from reading past a buffer, whatever the caller sends.
#pragma once
#include <napi.h>

#include <cstddef>
#include <string>

#include "core/error.h"

namespace int8rt::napi {

struct Bytes {
  void* data = nullptr;
  size_t size = 0;
};

// The bytes behind a TypedArray/Buffer argument; needBytes is the minimum its view must hold.
inline Bytes typedArrayBytes(const Napi::Value& v, const char* what, size_t needBytes) {
  if (!v.IsTypedArray()) throw Error(ErrorCode::InvalidArg, std::string("Expected a typed array for ") + what);
  Napi::TypedArray t = v.As<Napi::TypedArray>();
  Bytes b{static_cast<uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset(), t.ByteLength()};
  if (b.size < needBytes)
    throw Error(ErrorCode::Shape, std::string(what) + " holds " + std::to_string(b.size) + " bytes but " +
                                      std::to_string(needBytes) + " are needed");
  return b;
}

inline double numberProp(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

inline bool boolProp(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() && v.As<Napi::Boolean>().Value();
}

}  // namespace int8rt::napi
