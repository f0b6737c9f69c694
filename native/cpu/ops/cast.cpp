// Cast between the engine's element types. ONNX element types without an engine dtype are mapped
// the way the loader maps tensors (int16/uint16 → int32, uint32/uint64 → int64, double/bfloat16 →
// float32). Float → integer truncates toward zero; anything non-zero is true.
#include <cmath>
#include <cstring>

#include "core/half.h"
#include "cpu/ops/dispatch.h"
#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

DType engineTypeOf(int64_t onnxType) {
  switch (onnxType) {
    case 1: case 11: case 16: return DType::Float32;
    case 2: return DType::Uint8;
    case 3: return DType::Int8;
    case 4: case 5: case 6: return DType::Int32;
    case 7: case 12: case 13: return DType::Int64;
    case 9: return DType::Bool;
    case 10: return DType::Float16;
    default: throw Error(ErrorCode::DType, "Cast to ONNX element type " + std::to_string(onnxType) + " is not supported");
  }
}

// Every value goes through double (exact for all engine types but int64 beyond 2^53, handled apart).
double load(const void* p, DType t, int64_t i) {
  switch (t) {
    case DType::Float32: return static_cast<const float*>(p)[i];
    case DType::Float16: return halfToFloat(static_cast<const uint16_t*>(p)[i]);
    case DType::Int8: return static_cast<const int8_t*>(p)[i];
    case DType::Uint8: case DType::Bool: return static_cast<const uint8_t*>(p)[i];
    case DType::Int32: return static_cast<const int32_t*>(p)[i];
    case DType::Int64: return static_cast<double>(static_cast<const int64_t*>(p)[i]);
  }
  return 0;
}

// Wraps like a two's-complement narrowing; NaN and infinities become 0 (ONNX leaves them undefined).
int64_t toInteger(double x) {
  if (!std::isfinite(x) || std::fabs(x) >= 9.2e18) return 0;
  return static_cast<int64_t>(x);
}

void store(void* p, DType t, int64_t i, double x) {
  switch (t) {
    case DType::Float32: static_cast<float*>(p)[i] = static_cast<float>(x); break;
    case DType::Float16: static_cast<uint16_t*>(p)[i] = floatToHalf(static_cast<float>(x)); break;
    case DType::Int8: static_cast<int8_t*>(p)[i] = static_cast<int8_t>(toInteger(x)); break;
    case DType::Uint8: static_cast<uint8_t*>(p)[i] = static_cast<uint8_t>(toInteger(x)); break;
    case DType::Bool: static_cast<uint8_t*>(p)[i] = x != 0 ? 1 : 0; break;
    case DType::Int32: static_cast<int32_t*>(p)[i] = static_cast<int32_t>(toInteger(x)); break;
    case DType::Int64: static_cast<int64_t*>(p)[i] = toInteger(x); break;
  }
}

bool isInteger(DType t) { return t == DType::Int8 || t == DType::Uint8 || t == DType::Int32 || t == DType::Int64; }

// bfloat16 is held as float32: round to its 8-bit mantissa (nearest even), NaN kept.
float roundToBfloat16(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  if ((b & 0x7fffffffu) > 0x7f800000u) return f;
  b = (b + 0x7fffu + ((b >> 16) & 1u)) & 0xffff0000u;
  std::memcpy(&f, &b, 4);
  return f;
}

class CastKernel : public OpKernel {
 public:
  explicit CastKernel(const KernelContext& c)
      : to_(engineTypeOf(c.attributes.getInt("to", 0))), toBfloat16_(c.attributes.getInt("to", 0) == 16) {}

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the input is missing");
    TensorInfo t{to_, in[0]->shape, {}};
    if (in[0]->constant && (to_ == DType::Int64 || to_ == DType::Int32)) t.constant = in[0]->constant;  // shape values stay known
    return {t};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const DType from = in[0]->dtype;
    const void* x = in[0]->data;
    void* y = out[0]->data;
    const int64_t n = in[0]->size();
    if (from == to_ && !toBfloat16_) {
      if (n) std::memcpy(y, x, in[0]->bytes());
      return;
    }
    parallelRange(n, 16384, [&](int64_t b, int64_t e) {
      if (from == DType::Int64 && isInteger(to_)) {  // exact, without the trip through double
        for (int64_t i = b; i < e; ++i) storeInt(y, i, static_cast<const int64_t*>(x)[i]);
      } else {
        for (int64_t i = b; i < e; ++i) store(y, to_, i, load(x, from, i));
      }
      if (toBfloat16_)
        for (int64_t i = b; i < e; ++i) static_cast<float*>(y)[i] = roundToBfloat16(static_cast<float*>(y)[i]);
    });
  }

 private:
  void storeInt(void* p, int64_t i, int64_t v) const {
    switch (to_) {
      case DType::Int8: static_cast<int8_t*>(p)[i] = static_cast<int8_t>(v); break;
      case DType::Uint8: static_cast<uint8_t*>(p)[i] = static_cast<uint8_t>(v); break;
      case DType::Int32: static_cast<int32_t*>(p)[i] = static_cast<int32_t>(v); break;
      default: static_cast<int64_t*>(p)[i] = v; break;
    }
  }
  DType to_;
  bool toBfloat16_;
};

INT8RT_REGISTER_CPU_OP("Cast", engine::factoryOf<CastKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
