// Typed read access to a node's attributes (the plan's JSON object). A missing attribute gives the
// fallback; one of the wrong kind is a corrupt plan, reported with the node's name.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "engine/json.h"

namespace int8rt::engine {

// An activation fused into a Conv/Gemm by lib/graph/passes/fuse-activation.ts.
struct FusedActivation {
  enum class Type { None, Relu, Sigmoid, Clip, LeakyRelu, HardSigmoid, HardSwish };
  Type type = Type::None;
  float p0 = 0, p1 = 0;
};

// A tensor-valued attribute (Constant's value, ConstantOfShape's fill), decoded to its bytes.
struct AttributeTensor {
  DType dtype = DType::Float32;
  std::vector<int64_t> dims;
  std::vector<uint8_t> bytes;
};

class Attributes {
 public:
  Attributes(const json::Value* object, std::string node) : object_(object), node_(std::move(node)) {}

  bool has(const char* name) const { return object_ && object_->find(name); }
  int64_t getInt(const char* name, int64_t fallback) const;
  float getFloat(const char* name, float fallback) const;
  std::string getString(const char* name, const std::string& fallback) const;
  std::vector<int64_t> getInts(const char* name, std::vector<int64_t> fallback = {}) const;
  std::vector<float> getFloats(const char* name, std::vector<float> fallback = {}) const;
  bool getTensor(const char* name, AttributeTensor* out) const;  // false when absent
  FusedActivation activation() const;
  const std::string& node() const { return node_; }

 private:
  const json::Value* object_;
  std::string node_;
};

}  // namespace int8rt::engine
