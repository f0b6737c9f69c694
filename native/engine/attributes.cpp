#include "engine/attributes.h"

#include <cstring>

#include "core/error.h"
#include "core/half.h"
#include "engine/plan.h"

namespace int8rt::engine {

namespace {
int64_t elementCountOf(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

[[noreturn]] void bad(const std::string& node, const char* name, const char* expected) {
  throw Error(ErrorCode::PlanCorrupt, std::string("plan is corrupt: attribute '") + name + "' of node '" + node +
                                          "' is not " + expected);
}
}  // namespace

int64_t Attributes::getInt(const char* name, int64_t fallback) const {
  const json::Value* v = object_ ? object_->find(name) : nullptr;
  if (!v) return fallback;
  if (!v->isNumber()) bad(node_, name, "an int");
  return v->integer(name);
}

float Attributes::getFloat(const char* name, float fallback) const {
  const json::Value* v = object_ ? object_->find(name) : nullptr;
  if (!v) return fallback;
  if (!v->isNumber() && !v->isString()) bad(node_, name, "a float");
  return static_cast<float>(v->number(name));
}

std::string Attributes::getString(const char* name, const std::string& fallback) const {
  const json::Value* v = object_ ? object_->find(name) : nullptr;
  if (!v) return fallback;
  if (!v->isString()) bad(node_, name, "a string");
  return v->string();
}

std::vector<int64_t> Attributes::getInts(const char* name, std::vector<int64_t> fallback) const {
  const json::Value* v = object_ ? object_->find(name) : nullptr;
  if (!v) return fallback;
  if (v->isNumber()) return {v->integer(name)};  // some exporters write a one-element list as an int
  if (!v->isArray()) bad(node_, name, "a list of ints");
  std::vector<int64_t> out;
  for (const json::Value& x : v->array()) out.push_back(x.integer(name));
  return out;
}

std::vector<float> Attributes::getFloats(const char* name, std::vector<float> fallback) const {
  const json::Value* v = object_ ? object_->find(name) : nullptr;
  if (!v) return fallback;
  if (v->isNumber()) return {static_cast<float>(v->number())};
  if (!v->isArray()) bad(node_, name, "a list of floats");
  std::vector<float> out;
  for (const json::Value& x : v->array()) out.push_back(static_cast<float>(x.number(name)));
  return out;
}

bool Attributes::getTensor(const char* name, AttributeTensor* out) const {
  const json::Value* v = object_ ? object_->find(name) : nullptr;
  if (!v) return false;
  const json::Value* t = v->isObject() ? v->find("tensor") : nullptr;
  if (!t) bad(node_, name, "a tensor");
  out->dtype = parseDType(t->at("dtype").string("tensor dtype"));
  out->dims.clear();
  for (const json::Value& d : t->at("dims").array("tensor dims")) out->dims.push_back(d.integer("tensor dim"));
  const std::vector<json::Value>& data = t->at("data").array("tensor data");
  const size_t elem = dtypeSize(out->dtype);
  out->bytes.assign(data.size() * elem, 0);
  for (size_t i = 0; i < data.size(); ++i) {
    uint8_t* dst = out->bytes.data() + i * elem;
    // int64 values travel as decimal strings (JSON numbers lose precision past 2^53).
    const double x = data[i].isString() && out->dtype == DType::Int64 ? 0 : data[i].number("tensor value");
    switch (out->dtype) {
      case DType::Float32: { float f = static_cast<float>(x); std::memcpy(dst, &f, 4); break; }
      case DType::Float16: { uint16_t h = floatToHalf(static_cast<float>(x)); std::memcpy(dst, &h, 2); break; }
      case DType::Int8: *reinterpret_cast<int8_t*>(dst) = static_cast<int8_t>(x); break;
      case DType::Uint8: case DType::Bool: *dst = static_cast<uint8_t>(x); break;
      case DType::Int32: { int32_t k = static_cast<int32_t>(x); std::memcpy(dst, &k, 4); break; }
      case DType::Int64: {
        int64_t k = data[i].isString() ? std::stoll(data[i].string()) : static_cast<int64_t>(x);
        std::memcpy(dst, &k, 8);
        break;
      }
    }
  }
  if (data.size() != static_cast<size_t>(elementCountOf(out->dims))) bad(node_, name, "a tensor whose data fits its dims");
  return true;
}

FusedActivation Attributes::activation() const {
  FusedActivation a;
  const json::Value* v = object_ ? object_->find("activation") : nullptr;
  if (!v) return a;
  const std::string& type = v->at("type").string("activation type");
  std::vector<float> p;
  for (const json::Value& x : v->at("params").array("activation params")) p.push_back(static_cast<float>(x.number()));
  p.resize(2, 0.0f);
  using T = FusedActivation::Type;
  if (type == "Relu") a.type = T::Relu;
  else if (type == "Sigmoid") a.type = T::Sigmoid;
  else if (type == "Clip") a.type = T::Clip;
  else if (type == "LeakyRelu") a.type = T::LeakyRelu;
  else if (type == "HardSigmoid") a.type = T::HardSigmoid;
  else if (type == "HardSwish") a.type = T::HardSwish;
  else throw Error(ErrorCode::UnsupportedOp, "node '" + node_ + "' has a fused activation '" + type + "' this build does not run");
  a.p0 = p[0];
  a.p1 = p[1];
  return a;
}

}  // namespace int8rt::engine
