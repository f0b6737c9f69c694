#include <cstring>
#include <string>

#include "core/error.h"
#include "engine/checksum.h"
#include "engine/plan.h"

namespace int8rt::engine {

namespace {

constexpr char kMagic[8] = {'I', '8', 'R', 'T', 'P', 'L', 'A', 'N'};
constexpr size_t kHeaderBytes = 16, kChecksumBytes = 8;

[[noreturn]] void corrupt(const std::string& why) { throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: " + why); }

uint32_t readU32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
uint64_t readU64(const uint8_t* p) { return readU32(p) | static_cast<uint64_t>(readU32(p + 4)) << 32; }

size_t align64(size_t n) { return (n + 63) / 64 * 64; }

int valueIndex(const json::Value& v, size_t count, const char* what, bool optional) {
  int64_t i = v.integer(what);
  if (optional && i == -1) return -1;
  if (i < 0 || static_cast<size_t>(i) >= count) corrupt(std::string(what) + " refers to value " + std::to_string(i) + ", which does not exist");
  return static_cast<int>(i);
}

ValueDesc readValue(const json::Value& v) {
  ValueDesc d;
  d.name = v.at("name").string("value name");
  d.dtype = parseDType(v.at("dtype").string("value dtype"));
  const json::Value* dims = v.find("dims");
  if (dims && !dims->isNull()) {
    d.hasDims = true;
    for (const json::Value& x : dims->array("value dims")) {
      PlanDim pd;
      if (x.isString()) pd.symbol = x.string();
      else if ((pd.size = x.integer("dim")) < 0) corrupt("value '" + d.name + "' has a negative dimension");
      d.dims.push_back(pd);
    }
  }
  return d;
}

}  // namespace

DType parseDType(const std::string& name) {
  if (name == "float32") return DType::Float32;
  if (name == "float16") return DType::Float16;
  if (name == "int8") return DType::Int8;
  if (name == "uint8") return DType::Uint8;
  if (name == "int32") return DType::Int32;
  if (name == "int64") return DType::Int64;
  if (name == "bool") return DType::Bool;
  corrupt("unknown dtype '" + name + "'");
}

const char* dtypeName(DType t) {
  switch (t) {
    case DType::Float32: return "float32";
    case DType::Float16: return "float16";
    case DType::Int8: return "int8";
    case DType::Uint8: return "uint8";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::Bool: return "bool";
  }
  return "unknown";
}

void readPlan(const uint8_t* data, size_t size, Plan* plan) {
  if (size < kHeaderBytes + kChecksumBytes || std::memcmp(data, kMagic, 8) != 0)
    corrupt(size < kHeaderBytes + kChecksumBytes ? "it is too short to be a plan" : "it does not start with I8RTPLAN");
  // The version comes before the checksum: a newer format may checksum differently.
  const uint32_t version = readU32(data + 8);
  if (version > kPlanVersion)
    throw Error(ErrorCode::PlanVersion, "plan format version " + std::to_string(version) +
                                            " is newer than this build of int8rt reads (" + std::to_string(kPlanVersion) +
                                            "); rebuild the engine or upgrade int8rt");
  if (version == 0) corrupt("format version 0");
  const size_t body = size - kChecksumBytes;
  if (fnv1a64(data, body) != readU64(data + body)) corrupt("checksum mismatch (the file is damaged or truncated)");
  const size_t jsonLength = readU32(data + 12);
  if (jsonLength > body - kHeaderBytes) corrupt("the JSON section runs past the end");

  uint8_t* copy = plan->bytes.get<uint8_t>(size);
  std::memcpy(copy, data, size);
  plan->size = size;
  plan->version = version;
  plan->document = json::parse(reinterpret_cast<const char*>(copy + kHeaderBytes), jsonLength);
  const json::Value& doc = plan->document;
  const size_t blobStart = align64(kHeaderBytes + jsonLength);
  if (blobStart > body) corrupt("the weight section starts past the end");

  plan->opset = static_cast<int>(doc.at("opset").integer("opset"));
  plan->precision = doc.at("precision").string("precision");
  for (const json::Value& v : doc.at("values").array("values")) plan->values.push_back(readValue(v));
  const size_t nv = plan->values.size();
  for (const json::Value& i : doc.at("inputs").array("inputs")) plan->inputs.push_back(valueIndex(i, nv, "input", false));
  for (const json::Value& o : doc.at("outputs").array("outputs")) plan->outputs.push_back(valueIndex(o, nv, "output", false));

  plan->weightOfValue.assign(nv, -1);
  for (const json::Value& w : doc.at("weights").array("weights")) {
    WeightDesc d;
    d.value = valueIndex(w.at("value"), nv, "weight", false);
    const int64_t offset = w.at("offset").integer("weight offset"), length = w.at("byteLength").integer("weight byteLength");
    const ValueDesc& v = plan->values[d.value];
    int64_t elements = 1;
    for (const PlanDim& dim : v.dims) {
      if (dim.size < 0) corrupt("weight '" + v.name + "' has a symbolic dimension");
      elements *= dim.size;
    }
    if (offset < 0 || offset % 64 != 0 || length < 0 || !v.hasDims ||
        length != elements * static_cast<int64_t>(dtypeSize(v.dtype)) ||
        static_cast<size_t>(offset + length) > body - blobStart)
      corrupt("weight '" + v.name + "' has a bad extent");
    if (plan->weightOfValue[d.value] >= 0) corrupt("weight '" + v.name + "' is listed twice");
    d.data = copy + blobStart + offset;
    d.byteLength = static_cast<size_t>(length);
    plan->weightOfValue[d.value] = static_cast<int>(plan->weights.size());
    plan->weights.push_back(d);
  }

  // Nodes: every input must already exist (graph input, weight or an earlier output); one producer per value.
  std::vector<bool> defined(nv, false);
  for (int i : plan->inputs) defined[i] = true;
  for (const WeightDesc& w : plan->weights) defined[w.value] = true;
  for (const json::Value& n : doc.at("nodes").array("nodes")) {
    NodeDesc d;
    d.name = n.at("name").string("node name");
    d.op = n.at("op").string("node op");
    d.precision = n.at("precision").string("node precision");
    d.attributes = &n.at("attributes");
    d.attributes->object("node attributes");
    for (const json::Value& i : n.at("inputs").array("node inputs")) {
      int idx = valueIndex(i, nv, "node input", true);
      if (idx >= 0 && !defined[idx]) corrupt("node '" + d.name + "' reads '" + plan->values[idx].name + "' before it is made");
      d.inputs.push_back(idx);
    }
    for (const json::Value& o : n.at("outputs").array("node outputs")) {
      int idx = valueIndex(o, nv, "node output", false);
      if (defined[idx]) corrupt("value '" + plan->values[idx].name + "' is made twice");
      defined[idx] = true;
      d.outputs.push_back(idx);
    }
    plan->nodes.push_back(std::move(d));
  }
  for (int o : plan->outputs)
    if (!defined[o]) corrupt("output '" + plan->values[o].name + "' is never made");
}

}  // namespace int8rt::engine
