#include "engine/attributes.h"

#include "core/error.h"

namespace int8rt::engine {

namespace {
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
