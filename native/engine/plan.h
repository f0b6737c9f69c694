// A parsed plan (format: DESIGN.md "Plans", writer: lib/build/plan.ts):
//   "I8RTPLAN" | u32 version | u32 jsonLength | JSON | pad to 64 | weight blobs (64-aligned) | u64 FNV-1a
// All integers little-endian; the checksum covers every byte before it. readPlan validates the whole
// plan (checksum, indices, weight extents) before anything uses it, so a bad plan is never half-loaded.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/dtype.h"
#include "engine/json.h"

namespace int8rt::engine {

constexpr uint32_t kPlanVersion = 1;

// A dimension: a size, or a symbol (size -1) that is bound when the engine runs.
struct PlanDim {
  int64_t size = -1;
  std::string symbol;
};

struct ValueDesc {
  std::string name;
  DType dtype = DType::Float32;
  bool hasDims = false;  // false: the builder could not tell the shape
  std::vector<PlanDim> dims;
};

struct NodeDesc {
  std::string name;
  std::string op;
  std::vector<int> inputs;   // value indices; -1 marks an absent optional input
  std::vector<int> outputs;
  const json::Value* attributes = nullptr;  // an object, owned by Plan::document
  std::string precision;     // 'fp32', 'fp16' (fp16 weights, fp32 compute) or 'int8'
};

struct WeightDesc {
  int value = -1;
  const uint8_t* data = nullptr;  // inside Plan's copy of the bytes, 64-byte aligned
  size_t byteLength = 0;
};

struct Plan {
  uint32_t version = 0;
  int opset = 13;
  std::string precision;
  std::vector<ValueDesc> values;
  std::vector<NodeDesc> nodes;  // topological order
  std::vector<int> inputs, outputs;
  std::vector<WeightDesc> weights;
  std::vector<int> weightOfValue;  // per value: index into weights, or -1

  json::Value document;
  AlignedBuffer bytes;  // an aligned copy of the whole plan; weights point into it
  size_t size = 0;
};

// Parses and validates; throws Error(PlanCorrupt / PlanVersion).
void readPlan(const uint8_t* data, size_t size, Plan* out);

DType parseDType(const std::string& name);
const char* dtypeName(DType t);

}  // namespace int8rt::engine
