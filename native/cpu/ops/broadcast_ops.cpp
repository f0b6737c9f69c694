// Broadcasting ops beyond Add/Sub/Mul/Div: Pow, PRelu, Equal, Where, and the variadic Sum, Mean,
// Max, Min. Float32, except Pow (also int32 / int64 bases, exact), Equal (any numeric type), Max/Min
// (any numeric type and float16) and Where (any type).
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

#include "core/half.h"
#include "cpu/ops/broadcast.h"
#include "cpu/ops/dispatch.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

// Calls fn(outRowStart, offsets, strides, inner) per output row, in parallel.
template <class F>
void forRows(const Shape& out, const std::vector<Shape>& ins, F&& fn) {
  const BroadcastRows br(out, ins);
  const size_t k = ins.size();
  std::vector<int64_t> strides(k);
  for (size_t i = 0; i < k; ++i) strides[i] = br.innerStride(i);
  parallelRange(br.rows(), std::max<int64_t>(1, 8192 / std::max<int64_t>(br.inner(), 1)), [&](int64_t b, int64_t e) {
    std::vector<int64_t> offs(k);
    for (int64_t row = b; row < e; ++row) {
      for (size_t i = 0; i < k; ++i) offs[i] = br.offset(i, row);
      fn(row * br.inner(), offs.data(), strides.data(), br.inner());
    }
  });
}

// Shape arithmetic stays known during inference: when every input carries TensorInfo::constant
// and the output is a scalar or a vector, its values are fn(values of each input at i).
template <class F>
std::optional<std::vector<int64_t>> foldConstants(const std::vector<const TensorInfo*>& in, const Shape& out, F&& fn) {
  if (out.size() > 1) return std::nullopt;
  for (const TensorInfo* t : in)
    if (!t || !t->constant) return std::nullopt;
  const size_t n = static_cast<size_t>(elementCount(out));
  std::vector<int64_t> c(n), args(in.size());
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < in.size(); ++k) {
      const std::vector<int64_t>& v = *in[k]->constant;
      if (v.size() != 1 && v.size() != n) return std::nullopt;
      args[k] = v[v.size() == 1 ? 0 : i];
    }
    c[i] = fn(args);
  }
  return c;
}

std::vector<Shape> shapesOf(const std::vector<const Tensor*>& in) {
  std::vector<Shape> s;
  for (const Tensor* t : in) s.push_back(t->shape);
  return s;
}

// Integer base to an integer exponent, exactly: square-and-multiply with wrap-around (as integer
// Mul wraps); a negative exponent truncates 1 / x^-e toward zero (0 unless |x| is 1).
template <class T>
inline T intPow(T x, int64_t e) {
  if (e < 0) {
    if (x == 1) return 1;
    if (x == static_cast<T>(-1)) return (e & 1) ? x : T{1};
    return 0;  // includes 0^-e, which has no integer value
  }
  using U = std::make_unsigned_t<T>;
  U r = 1, b = static_cast<U>(x);
  for (uint64_t k = static_cast<uint64_t>(e); k; k >>= 1, b = static_cast<U>(b * b))
    if (k & 1) r = static_cast<U>(r * b);
  return static_cast<T>(r);
}

// Integer base to a float exponent: computed in double, truncated toward zero into T (saturating;
// NaN gives 0), as numpy's power(x, e).astype(T) does for in-range values.
template <class T>
inline T intPowFloat(T x, double e) {
  const double r = std::trunc(std::pow(static_cast<double>(x), e));
  if (std::isnan(r)) return 0;
  if (r <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
  if (r >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  return static_cast<T>(r);
}

// Pow: float32 base (any numeric exponent), or an int32 / int64 base (output of the base's type).
class PowKernel : public OpKernel {
 public:
  explicit PowKernel(const KernelContext&) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the input X is missing");
    const DType b = in[0]->dtype;
    if (b != DType::Float32 && b != DType::Int32 && b != DType::Int64)
      throw Error(ErrorCode::DType, "the base X must be float32, int32 or int64");
    if (in.size() < 2 || !in[1]) shapeError("the input Y is missing");
    const DType e = in[1]->dtype;
    if (e != DType::Float32 && e != DType::Int32 && e != DType::Int64 && e != DType::Int8 && e != DType::Uint8)
      throw Error(ErrorCode::DType, "the exponent Y must be float32 or an integer type");
    return {TensorInfo{b, broadcastShapes(in[0]->shape, in[1]->shape), {}}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    dispatchNumeric(in[0]->dtype, "Pow", [&](auto btag) {
      using B = decltype(btag);
      const B* x = in[0]->as<B>();
      B* y = out[0]->as<B>();
      dispatchNumeric(in[1]->dtype, "Pow", [&](auto etag) {
        using E = decltype(etag);
        const E* p = in[1]->as<E>();
        forRows(out[0]->shape, shapesOf(in), [&](int64_t o, const int64_t* off, const int64_t* st, int64_t n) {
          for (int64_t i = 0; i < n; ++i) {
            const E e = p[off[1] + i * st[1]];
            const B b = x[off[0] + i * st[0]];
            if constexpr (std::is_same_v<B, float>) {
              const float ef = static_cast<float>(e);
              y[o + i] = ef == 2.0f ? b * b : std::pow(b, ef);
            } else if constexpr (std::is_same_v<E, float>) {
              y[o + i] = intPowFloat<B>(b, e);
            } else {
              y[o + i] = intPow<B>(b, static_cast<int64_t>(e));
            }
          }
        });
      });
    });
  }
};

class PReluKernel : public OpKernel {
 public:
  explicit PReluKernel(const KernelContext&) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.size() > 0 ? in[0] : nullptr, "X");
    requireFloat(in.size() > 1 ? in[1] : nullptr, "slope");
    // The slope broadcasts to X (one way only).
    if (broadcastShapes(in[0]->shape, in[1]->shape) != in[0]->shape)
      shapeError("slope " + shapeString(in[1]->shape) + " does not broadcast to X " + shapeString(in[0]->shape));
    return {TensorInfo{DType::Float32, in[0]->shape, {}}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const float *x = in[0]->as<float>(), *s = in[1]->as<float>();
    float* y = out[0]->as<float>();
    forRows(out[0]->shape, shapesOf(in), [&](int64_t o, const int64_t* off, const int64_t* st, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        const float v = x[off[0] + i * st[0]];
        y[o + i] = v < 0.0f ? v * s[off[1] + i * st[1]] : v;
      }
    });
  }
};

class EqualKernel : public OpKernel {
 public:
  explicit EqualKernel(const KernelContext&) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.size() < 2 || !in[0] || !in[1]) shapeError("Equal needs two inputs");
    if (in[0]->dtype != in[1]->dtype) throw Error(ErrorCode::DType, "the inputs of Equal differ in element type");
    TensorInfo t{DType::Bool, broadcastShapes(in[0]->shape, in[1]->shape), {}};
    t.constant = foldConstants(in, t.shape, [](const std::vector<int64_t>& v) -> int64_t { return v[0] == v[1]; });
    return {t};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    uint8_t* y = out[0]->as<uint8_t>();
    dispatchNumeric(in[0]->dtype, "Equal", [&](auto tag) {
      using T = decltype(tag);
      const T *a = in[0]->as<T>(), *b = in[1]->as<T>();
      forRows(out[0]->shape, shapesOf(in), [&](int64_t o, const int64_t* off, const int64_t* st, int64_t n) {
        for (int64_t i = 0; i < n; ++i) y[o + i] = a[off[0] + i * st[0]] == b[off[1] + i * st[1]];
      });
    });
  }
};

class WhereKernel : public OpKernel {
 public:
  explicit WhereKernel(const KernelContext&) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.size() < 3 || !in[0] || !in[1] || !in[2]) shapeError("Where needs condition, X and Y");
    if (in[0]->dtype != DType::Bool) throw Error(ErrorCode::DType, "the condition of Where must be bool");
    if (in[1]->dtype != in[2]->dtype) throw Error(ErrorCode::DType, "X and Y of Where differ in element type");
    TensorInfo t{in[1]->dtype, broadcastAll(in), {}};
    t.constant = foldConstants(in, t.shape, [](const std::vector<int64_t>& v) { return v[0] ? v[1] : v[2]; });
    return {t};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const uint8_t* c = in[0]->as<uint8_t>();
    dispatchBySize(in[1]->dtype, [&](auto tag) {
      using T = decltype(tag);
      const T *x = in[1]->as<T>(), *y = in[2]->as<T>();
      T* z = out[0]->as<T>();
      forRows(out[0]->shape, shapesOf(in), [&](int64_t o, const int64_t* off, const int64_t* st, int64_t n) {
        for (int64_t i = 0; i < n; ++i) z[o + i] = c[off[0] + i * st[0]] ? x[off[1] + i * st[1]] : y[off[2] + i * st[2]];
      });
    });
  }
};

enum class Fold { Sum, Mean, Max, Min };

// out = in[0] (broadcast), then out = fold(out, in[k]) for each further input.
template <Fold F>
class VariadicKernel : public OpKernel {
 public:
  explicit VariadicKernel(const KernelContext&) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty()) shapeError("the op needs at least one input");
    for (const TensorInfo* t : in) {
      if (!t) shapeError("an input is missing");
      if (t->dtype != in[0]->dtype) throw Error(ErrorCode::DType, "the inputs differ in element type");
    }
    if ((F == Fold::Sum || F == Fold::Mean) && in[0]->dtype != DType::Float32)
      throw Error(ErrorCode::DType, "Sum and Mean take float32 inputs");
    TensorInfo t{in[0]->dtype, broadcastAll(in), {}};
    if constexpr (F == Fold::Max || F == Fold::Min)
      if (in[0]->dtype != DType::Float32)
        t.constant = foldConstants(in, t.shape, [](const std::vector<int64_t>& v) {
          return F == Fold::Max ? *std::max_element(v.begin(), v.end()) : *std::min_element(v.begin(), v.end());
        });
    return {t};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    if constexpr (F == Fold::Max || F == Fold::Min)
      if (in[0]->dtype == DType::Float16) return runHalf(in, *out[0]);
    dispatchNumeric(in[0]->dtype, "Max/Min", [&](auto tag) {
      using T = decltype(tag);
      T* y = out[0]->as<T>();
      const Shape& shape = out[0]->shape;
      forRows(shape, {in[0]->shape}, [&](int64_t o, const int64_t* off, const int64_t* st, int64_t n) {
        const T* x = in[0]->as<T>();
        for (int64_t i = 0; i < n; ++i) y[o + i] = x[off[0] + i * st[0]];
      });
      for (size_t k = 1; k < in.size(); ++k) {
        const T* x = in[k]->as<T>();
        forRows(shape, {in[k]->shape}, [&](int64_t o, const int64_t* off, const int64_t* st, int64_t n) {
          for (int64_t i = 0; i < n; ++i) {
            const T v = x[off[0] + i * st[0]];
            T& acc = y[o + i];
            if constexpr (F == Fold::Sum || F == Fold::Mean) acc = acc + v;
            else if constexpr (F == Fold::Max) acc = (v > acc || (std::is_floating_point_v<T> && std::isnan(v))) ? v : acc;
            else acc = (v < acc || (std::is_floating_point_v<T> && std::isnan(v))) ? v : acc;
          }
        });
      }
      if constexpr (F == Fold::Mean) {
        const T inv = static_cast<T>(1) / static_cast<T>(in.size());
        for (int64_t i = 0; i < out[0]->size(); ++i) y[i] *= inv;
      }
    });
  }

 private:
  // Max/Min pick one of their inputs, so float16 needs no arithmetic: compare as float32, keep the
  // picked element's bits (a NaN wins, as for float32).
  static void runHalf(const std::vector<const Tensor*>& in, Tensor& out) {
    uint16_t* y = out.as<uint16_t>();
    const Shape& shape = out.shape;
    for (size_t k = 0; k < in.size(); ++k) {
      const uint16_t* x = in[k]->as<uint16_t>();
      forRows(shape, {in[k]->shape}, [&](int64_t o, const int64_t* off, const int64_t* st, int64_t n) {
        for (int64_t i = 0; i < n; ++i) {
          const uint16_t v = x[off[0] + i * st[0]];
          if (k == 0) { y[o + i] = v; continue; }
          const float fv = halfToFloat(v), fa = halfToFloat(y[o + i]);
          const bool take = std::isnan(fv) || (F == Fold::Max ? fv > fa : fv < fa);
          if (take) y[o + i] = v;
        }
      });
    }
  }
};

INT8RT_REGISTER_CPU_OP("Pow", engine::factoryOf<PowKernel>());
INT8RT_REGISTER_CPU_OP("PRelu", engine::factoryOf<PReluKernel>());
INT8RT_REGISTER_CPU_OP("Equal", engine::factoryOf<EqualKernel>());
INT8RT_REGISTER_CPU_OP("Where", engine::factoryOf<WhereKernel>());
INT8RT_REGISTER_CPU_OP("Sum", engine::factoryOf<VariadicKernel<Fold::Sum>>());
INT8RT_REGISTER_CPU_OP("Mean", engine::factoryOf<VariadicKernel<Fold::Mean>>());
INT8RT_REGISTER_CPU_OP("Max", engine::factoryOf<VariadicKernel<Fold::Max>>());
INT8RT_REGISTER_CPU_OP("Min", engine::factoryOf<VariadicKernel<Fold::Min>>());

}  // namespace

}  // namespace int8rt::cpu::ops
