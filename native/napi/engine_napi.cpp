// NativeEngine (the native half of lib/engine.ts).
//   NativeEngine.load(planBytes) -> Promise<NativeEngine>   parse, validate and prepare on a worker
//   engine.run([{type, data, dims}, …]) -> Promise<[{type, data, dims}, …]>   one call per run, on a worker
//   engine.dispose()                                          drops the engine; runs in flight finish first
// Inputs are read in place (their typed arrays are kept alive until the run ends); outputs are new
// ArrayBuffers that own the executor's output memory.
#include <napi.h>

#include <cstring>
#include <memory>

#include "core/error.h"
#include "engine/executor.h"
#include "napi/args.h"
#include "napi/async_task.h"
#include "napi/engine_napi.h"
#include "napi/errors.h"

namespace int8rt::napi {

namespace {

using engine::Executor;

// The typed-array kind that carries each DType (float16 as Uint16Array bits, bool as Uint8Array).
napi_typedarray_type arrayTypeOf(DType t) {
  switch (t) {
    case DType::Float32: return napi_float32_array;
    case DType::Float16: return napi_uint16_array;
    case DType::Int8: return napi_int8_array;
    case DType::Uint8: case DType::Bool: return napi_uint8_array;
    case DType::Int32: return napi_int32_array;
    case DType::Int64: return napi_bigint64_array;
  }
  return napi_uint8_array;
}

Napi::Value outputToJs(Napi::Env env, engine::HostOutput& out) {
  const size_t n = out.bytes / dtypeSize(out.dtype);
  Napi::ArrayBuffer buffer;
  uint8_t* data = out.data.get();
  try {
    buffer = Napi::ArrayBuffer::New(env, data, out.bytes, [](Napi::Env, void* p) { std::free(p); });
    out.data.release();  // the ArrayBuffer owns it now
  } catch (const Napi::Error&) {  // runtimes that refuse external buffers: copy instead
    buffer = Napi::ArrayBuffer::New(env, out.bytes);
    if (out.bytes) std::memcpy(buffer.Data(), data, out.bytes);
  }
  napi_value array;
  NAPI_THROW_IF_FAILED(env, napi_create_typedarray(env, arrayTypeOf(out.dtype), n, buffer, 0, &array), Napi::Value());
  Napi::Object o = Napi::Object::New(env);
  o.Set("type", static_cast<double>(out.dtype));
  o.Set("data", Napi::Value(env, array));
  Napi::Array dims = Napi::Array::New(env, out.shape.size());
  for (size_t i = 0; i < out.shape.size(); ++i) dims.Set(static_cast<uint32_t>(i), static_cast<double>(out.shape[i]));
  o.Set("dims", dims);
  return o;
}

}  // namespace

std::vector<engine::HostInput> readInputs(const Napi::Value& v, std::vector<Napi::Value>& keep) {
  if (!v.IsArray()) throw Error(ErrorCode::InvalidArg, "Expected an array of inputs");
  Napi::Array arr = v.As<Napi::Array>();
  std::vector<engine::HostInput> inputs;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    inputs.push_back(readInput(arr.Get(i), i));
    keep.push_back(arr.Get(i).As<Napi::Object>().Get("data"));
  }
  return inputs;
}

engine::HostInput readInput(const Napi::Value& v, size_t index) {
  const std::string what = "input " + std::to_string(index);
  if (!v.IsObject()) throw Error(ErrorCode::InvalidArg, "Expected {type, data, dims} for " + what);
  Napi::Object o = v.As<Napi::Object>();
  engine::HostInput in;
  const double type = numberProp(o, "type", -1);
  if (!(type >= 0 && type <= static_cast<int>(DType::Bool))) throw Error(ErrorCode::DType, "Expected a dtype code for " + what);
  in.dtype = static_cast<DType>(static_cast<int>(type));
  Napi::Value data = o.Get("data");
  Bytes b = typedArrayBytes(data, what.c_str(), 0);
  if (data.As<Napi::TypedArray>().TypedArrayType() != arrayTypeOf(in.dtype))
    throw Error(ErrorCode::DType, "the typed array of " + what + " does not match its dtype");
  in.data = b.data;
  in.bytes = b.size;
  Napi::Value dims = o.Get("dims");
  if (!dims.IsArray()) throw Error(ErrorCode::Shape, "Expected an array of dims for " + what);
  Napi::Array a = dims.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value d = a.Get(i);
    const double x = d.IsNumber() ? d.As<Napi::Number>().DoubleValue() : -1;
    if (!(x >= 0 && x <= 9007199254740991.0) || x != static_cast<double>(static_cast<int64_t>(x)))
      throw Error(ErrorCode::Shape, "Expected non-negative integer dims for " + what);
    in.shape.push_back(static_cast<int64_t>(x));
  }
  return in;
}

namespace {

// Marks NativeEngine objects, so executorOf() never unwraps a foreign object.
constexpr napi_type_tag kEngineTag = {0x3f6e2a1c9b8d4e07ULL, 0x8c5b1d2e4f3a6079ULL};

class EngineWrap : public Napi::ObjectWrap<EngineWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativeEngine",
                       {StaticMethod<&EngineWrap::load>("load"), InstanceMethod<&EngineWrap::run>("run"),
                        InstanceMethod<&EngineWrap::dispose>("dispose")});
  }

  // Made by load() only: info[0] is an External holding the executor.
  explicit EngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineWrap>(info) {
    guarded(info.Env(), [&] {
      if (!info[0].IsExternal()) throw Error(ErrorCode::InvalidArg, "NativeEngine is made by NativeEngine.load(planBytes)");
      executor_ = *info[0].As<Napi::External<std::shared_ptr<Executor>>>().Data();
      info.This().As<Napi::Object>().TypeTag(&kEngineTag);
    });
  }

  std::shared_ptr<Executor> executor() const {
    if (!executor_) throw Error(ErrorCode::Disposed, "the engine was disposed");
    return executor_;
  }

 private:
  static Napi::Value load(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      Bytes b = typedArrayBytes(info[0], "plan", 0);
      auto ctor = std::make_shared<Napi::FunctionReference>(Napi::Persistent(info.This().As<Napi::Function>()));
      auto result = std::make_shared<std::shared_ptr<Executor>>();
      const uint8_t* data = static_cast<const uint8_t*>(b.data);
      const size_t size = b.size;
      return AsyncTask::start(
          env, "int8rt.loadEngine", [result, data, size] { *result = Executor::load(data, size); },
          [result, ctor](Napi::Env env) -> Napi::Value {
            // The External only lives through the constructor call, which copies the shared_ptr.
            auto ext = Napi::External<std::shared_ptr<Executor>>::New(env, result.get());
            return ctor->New({ext});
          },
          {info[0]});
    });
  }

  Napi::Value run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      if (!executor_) throw Error(ErrorCode::Disposed, "the engine was disposed");
      std::vector<Napi::Value> keep{info[0]};
      std::vector<engine::HostInput> inputs = readInputs(info[0], keep);
      auto outputs = std::make_shared<std::vector<engine::HostOutput>>();
      std::shared_ptr<Executor> ex = executor_;  // a run in flight keeps the engine alive past dispose()
      return AsyncTask::start(
          env, "int8rt.run", [ex, inputs, outputs] { *outputs = ex->run(inputs); },
          [outputs](Napi::Env env) -> Napi::Value {
            Napi::Array out = Napi::Array::New(env, outputs->size());
            for (size_t i = 0; i < outputs->size(); ++i) out.Set(static_cast<uint32_t>(i), outputToJs(env, (*outputs)[i]));
            return out;
          },
          keep);
    });
  }

  Napi::Value dispose(const Napi::CallbackInfo& info) {
    executor_.reset();
    return info.Env().Undefined();
  }

  std::shared_ptr<Executor> executor_;
};

Napi::Value jsonToJs(Napi::Env env, const json::Value& v) {
  switch (v.kind()) {
    case json::Value::Kind::Null: return env.Null();
    case json::Value::Kind::Bool: return Napi::Boolean::New(env, v.boolean());
    case json::Value::Kind::Number: return Napi::Number::New(env, v.number());
    case json::Value::Kind::String: return Napi::String::New(env, v.string());
    case json::Value::Kind::Array: {
      Napi::Array a = Napi::Array::New(env, v.array().size());
      for (size_t i = 0; i < v.array().size(); ++i) a.Set(static_cast<uint32_t>(i), jsonToJs(env, v.array()[i]));
      return a;
    }
    case json::Value::Kind::Object: {
      Napi::Object o = Napi::Object::New(env);
      for (const auto& [k, x] : v.object()) o.Set(k, jsonToJs(env, x));
      return o;
    }
  }
  return env.Undefined();
}

// Test hook: the native JSON reader on a string (lib never calls it).
Napi::Value parseJson(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const std::string text = info[0].As<Napi::String>().Utf8Value();
    return jsonToJs(info.Env(), json::parse(text.data(), text.size()));
  });
}

}  // namespace

std::shared_ptr<Executor> executorOf(const Napi::Value& engine) {
  if (!engine.IsObject() || !engine.As<Napi::Object>().CheckTypeTag(&kEngineTag))
    throw Error(ErrorCode::InvalidArg, "Expected a NativeEngine for engine");
  return EngineWrap::Unwrap(engine.As<Napi::Object>())->executor();
}

void registerEngine(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeEngine", EngineWrap::define(env));
  exports.Set("parseJsonForTest", Napi::Function::New(env, parseJson));
}

}  // namespace int8rt::napi
