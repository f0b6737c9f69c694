#include "engine/executor.h"

#include <cstring>
#include <set>

#include "core/error.h"
#include "engine/fp16_weights.h"
#include "engine/memory_planner.h"
#include "engine/op_registry.h"

namespace int8rt::engine {

std::string shapeString(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

namespace {

size_t align64(size_t n) { return (n + 63) / 64 * 64; }

// Small integer tensors are shape arguments (Reshape targets, Slice bounds, axes, …): their values
// are part of what shape inference sees, for weights and for graph inputs alike.
constexpr int64_t kMaxShapeValues = 64;
bool isShapeLike(DType t, int64_t count) {
  return (t == DType::Int64 || t == DType::Int32) && count <= kMaxShapeValues;
}
constexpr int64_t kMaxFloatValues = 64;
std::vector<float> floatValues(const void* data, int64_t count) {
  const float* f = static_cast<const float*>(data);
  return std::vector<float>(f, f + count);
}

std::vector<int64_t> shapeValues(DType t, const void* data, int64_t count) {
  std::vector<int64_t> c(count);
  for (int64_t i = 0; i < count; ++i)
    c[i] = t == DType::Int64 ? static_cast<const int64_t*>(data)[i] : static_cast<const int32_t*>(data)[i];
  return c;
}

std::string nodeLabel(const NodeDesc& n) { return "node '" + n.name + "' (" + n.op + ")"; }

bool knownPrecision(const std::string& p) { return p == "fp32" || p == "fp16" || p == "int8"; }

// int8 layers have kernels of their own, registered as "<op>:int8"; fp16 layers run the fp32
// kernels on widened weights (fp16_weights.h).
std::string kernelKey(const NodeDesc& n) { return n.precision == "int8" ? n.op + ":int8" : n.op; }

}  // namespace

std::shared_ptr<Executor> Executor::load(const uint8_t* data, size_t size) {
  std::shared_ptr<Executor> ex(new Executor());
  Plan& plan = ex->plan_;
  readPlan(data, size, &plan);
  if (!knownPrecision(plan.precision))
    throw Error(ErrorCode::UnsupportedOp, "plan precision '" + plan.precision + "' is not one this build runs (fp32, fp16, int8)");

  // Every op must be known before any kernel is made: one error lists them all.
  std::set<std::string> missing;
  for (const NodeDesc& n : plan.nodes) {
    if (!knownPrecision(n.precision)) throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: " + nodeLabel(n) + " has precision '" + n.precision + "'");
    if (!OpRegistry::cpu().find(kernelKey(n))) missing.insert(n.precision == "int8" ? n.op + " (int8)" : n.op);
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& op : missing) list += (list.empty() ? "" : ", ") + op;
    throw Error(ErrorCode::UnsupportedOp, "the CPU backend does not implement these ops: " + list);
  }

  ex->weights_.resize(plan.values.size());
  ex->weightInfo_.resize(plan.values.size());
  for (const WeightDesc& w : plan.weights) {
    const ValueDesc& v = plan.values[w.value];
    Tensor& t = ex->weights_[w.value];
    t.dtype = v.dtype;
    for (const PlanDim& d : v.dims) t.shape.push_back(d.size);
    t.data = const_cast<uint8_t*>(w.data);  // immutable by convention: kernels take weights as const inputs
    TensorInfo& info = ex->weightInfo_[w.value];
    info.dtype = t.dtype;
    info.shape = t.shape;
    if (isShapeLike(t.dtype, t.size())) info.constant = shapeValues(t.dtype, t.data, t.size());
  }
  widenFp16Weights(plan, ex->weights_, ex->weightInfo_, ex->widened_);

  for (const NodeDesc& n : plan.nodes) {
    KernelContext kc{n, Attributes(n.attributes, n.name), plan.opset, {}};
    for (int i : n.inputs) kc.weights.push_back(i >= 0 && plan.weightOfValue[i] >= 0 ? &ex->weights_[i] : nullptr);
    try {
      ex->kernels_.push_back((*OpRegistry::cpu().find(kernelKey(n)))(kc));
    } catch (const Error& e) {
      throw Error(e.code(), nodeLabel(n) + ": " + e.what());
    }
  }
  ex->floatValueNeeded_.assign(plan.values.size(), false);
  for (size_t n = 0; n < plan.nodes.size(); ++n)
    for (size_t i : ex->kernels_[n]->floatValueInputs())
      if (i < plan.nodes[n].inputs.size() && plan.nodes[n].inputs[i] >= 0) {
        const int v = plan.nodes[n].inputs[i];
        ex->floatValueNeeded_[v] = true;
        TensorInfo& info = ex->weightInfo_[v];
        const Tensor& w = ex->weights_[v];
        if (w.data && w.dtype == DType::Float32 && w.size() <= kMaxFloatValues) info.floatValues = floatValues(w.data, w.size());
      }
  return ex;
}

bool Executor::needsFloatValues(size_t input) const {
  return floatValueNeeded_[plan_.inputs[input]] && plan_.values[plan_.inputs[input]].dtype == DType::Float32;
}

void Executor::checkInputs(const std::vector<HostInput>& inputs) const {
  if (inputs.size() != plan_.inputs.size())
    throw Error(ErrorCode::InvalidArg, "Expected " + std::to_string(plan_.inputs.size()) + " inputs but received " +
                                           std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ValueDesc& v = plan_.values[plan_.inputs[i]];
    const HostInput& in = inputs[i];
    if (in.dtype != v.dtype)
      throw Error(ErrorCode::DType, std::string("Expected ") + dtypeName(v.dtype) + " data for input '" + v.name +
                                        "' but received " + dtypeName(in.dtype));
    for (int64_t d : in.shape)
      if (d < 0) throw Error(ErrorCode::Shape, "input '" + v.name + "' has a negative dimension");
    if (v.hasDims) {
      if (in.shape.size() != v.dims.size())
        throw Error(ErrorCode::Shape, "Expected rank " + std::to_string(v.dims.size()) + " for input '" + v.name +
                                          "' but received dims " + shapeString(in.shape));
      for (size_t d = 0; d < v.dims.size(); ++d)
        if (v.dims[d].size >= 0 && v.dims[d].size != in.shape[d])
          throw Error(ErrorCode::Shape, "Expected size " + std::to_string(v.dims[d].size) + " for dimension " +
                                            std::to_string(d) + " of input '" + v.name + "' but received dims " +
                                            shapeString(in.shape));
    }
    if (in.bytes != static_cast<size_t>(elementCount(in.shape)) * dtypeSize(in.dtype))
      throw Error(ErrorCode::Shape, "input '" + v.name + "' holds " + std::to_string(in.bytes) + " bytes but dims " +
                                        shapeString(in.shape) + " need " +
                                        std::to_string(elementCount(in.shape) * dtypeSize(in.dtype)));
  }
}

std::shared_ptr<MemoryPlan> Executor::buildMemoryPlan(const std::vector<HostInput>& inputs) const {
  auto mp = std::make_shared<MemoryPlan>();
  const size_t nv = plan_.values.size();
  mp->values = weightInfo_;
  for (size_t i = 0; i < inputs.size(); ++i) {
    TensorInfo& info = mp->values[plan_.inputs[i]];
    info.dtype = inputs[i].dtype;
    info.shape = inputs[i].shape;
    if (isShapeLike(info.dtype, elementCount(info.shape))) info.constant = shapeValues(info.dtype, inputs[i].data, elementCount(info.shape));
    if (needsFloatValues(i)) info.floatValues = floatValues(inputs[i].data, elementCount(info.shape));
  }

  // Shapes, node by node; each node's workspace need is the max over the run.
  for (size_t n = 0; n < plan_.nodes.size(); ++n) {
    const NodeDesc& node = plan_.nodes[n];
    std::vector<const TensorInfo*> in;
    for (int i : node.inputs) in.push_back(i >= 0 ? &mp->values[i] : nullptr);
    std::vector<TensorInfo> out;
    try {
      out = kernels_[n]->inferShapes(in);
      if (out.size() < node.outputs.size()) throw Error(ErrorCode::Internal, "the kernel made too few outputs");
      mp->workspaceBytes = std::max(mp->workspaceBytes, kernels_[n]->workspaceBytes(in, out));
    } catch (const Error& e) {
      throw Error(e.code(), nodeLabel(node) + ": " + e.what());
    }
    for (size_t o = 0; o < node.outputs.size(); ++o) mp->values[node.outputs[o]] = std::move(out[o]);
  }

  // Lifetimes of the intermediates: graph inputs, weights and graph outputs live outside the arena.
  std::vector<bool> outside(nv, false);
  for (int i : plan_.inputs) outside[i] = true;
  for (int o : plan_.outputs) outside[o] = true;
  for (const WeightDesc& w : plan_.weights) outside[w.value] = true;
  std::vector<int> first(nv, -1), last(nv, -1);
  for (size_t n = 0; n < plan_.nodes.size(); ++n) {
    for (int o : plan_.nodes[n].outputs) first[o] = last[o] = static_cast<int>(n);
    for (int i : plan_.nodes[n].inputs)
      if (i >= 0) last[i] = static_cast<int>(n);
  }
  std::vector<LiveRange> ranges;
  std::vector<int> rangeValue;
  for (size_t v = 0; v < nv; ++v) {
    if (outside[v] || first[v] < 0) continue;
    const TensorInfo& t = mp->values[v];
    ranges.push_back({static_cast<size_t>(elementCount(t.shape)) * dtypeSize(t.dtype), first[v], last[v]});
    rangeValue.push_back(static_cast<int>(v));
  }
  size_t bytes = 0;
  std::vector<size_t> offsets = planArena(ranges, &bytes);
  mp->arenaOffset.assign(nv, MemoryPlan::kNotInArena);
  for (size_t r = 0; r < ranges.size(); ++r) mp->arenaOffset[rangeValue[r]] = offsets[r];
  // The workspace is live for every step, so it simply goes after the tensors.
  mp->workspaceOffset = align64(bytes);
  mp->arenaBytes = mp->workspaceOffset + align64(mp->workspaceBytes);
  return mp;
}

std::shared_ptr<const MemoryPlan> Executor::memoryPlanFor(const std::vector<HostInput>& inputs) {
  std::string key;
  // Keyed by the input shapes, and by the values of shape-like inputs, which shapes may depend on.
  for (const HostInput& in : inputs) {
    key += shapeString(in.shape);
    if (isShapeLike(in.dtype, elementCount(in.shape))) key += "=" + shapeString(shapeValues(in.dtype, in.data, elementCount(in.shape)));
    if (needsFloatValues(&in - inputs.data()))
      for (float f : floatValues(in.data, elementCount(in.shape))) key += "," + std::to_string(f);
  }
  {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    auto it = planCache_.find(key);
    if (it != planCache_.end()) return it->second;
  }
  std::shared_ptr<const MemoryPlan> mp = buildMemoryPlan(inputs);  // outside the lock: may take a while
  std::lock_guard<std::mutex> lock(cacheMutex_);
  if (planCache_.size() >= kMaxCachedPlans) planCache_.erase(planCache_.begin());
  planCache_.emplace(key, mp);
  return mp;
}

std::vector<HostOutput> Executor::run(const std::vector<HostInput>& inputs, RunObserver* observer) {
  checkInputs(inputs);
  std::shared_ptr<const MemoryPlan> mp = memoryPlanFor(inputs);
  ContextPool::Lease ctx = contexts_.take();
  uint8_t* arena = ctx->arena.get<uint8_t>(std::max<size_t>(mp->arenaBytes, 64));

  std::vector<Tensor> tensors(plan_.values.size());
  for (size_t v = 0; v < tensors.size(); ++v) {
    tensors[v].dtype = mp->values[v].dtype;
    tensors[v].shape = mp->values[v].shape;
    if (mp->arenaOffset[v] != MemoryPlan::kNotInArena) tensors[v].data = arena + mp->arenaOffset[v];
    else if (weights_[v].data) tensors[v].data = weights_[v].data;
  }
  for (size_t i = 0; i < inputs.size(); ++i) tensors[plan_.inputs[i]].data = const_cast<void*>(inputs[i].data);

  // Outputs get their own malloc'd buffers, handed to JS without a copy. A graph output that is also
  // a graph input, a weight or listed twice is copied at the end instead of written in place.
  std::vector<HostOutput> outputs(plan_.outputs.size());
  std::vector<bool> writtenInPlace(plan_.outputs.size(), false);
  std::vector<bool> claimed(plan_.values.size(), false);
  for (size_t o = 0; o < plan_.outputs.size(); ++o) {
    const int v = plan_.outputs[o];
    HostOutput& out = outputs[o];
    out.dtype = mp->values[v].dtype;
    out.shape = mp->values[v].shape;
    out.bytes = static_cast<size_t>(elementCount(out.shape)) * dtypeSize(out.dtype);
    out.data.reset(static_cast<uint8_t*>(std::malloc(std::max<size_t>(out.bytes, 1))));
    if (!out.data) throw std::bad_alloc();
    if (!tensors[v].data && !claimed[v]) {
      tensors[v].data = out.data.get();
      claimed[v] = writtenInPlace[o] = true;
    }
  }

  if (observer)
    for (int v : plan_.inputs)
      if (observer->watches(v)) observer->observe(v, tensors[v]);

  RunContext rc{arena + mp->workspaceOffset, mp->workspaceBytes};
  std::vector<const Tensor*> in;
  std::vector<Tensor*> out;
  for (size_t n = 0; n < plan_.nodes.size(); ++n) {
    const NodeDesc& node = plan_.nodes[n];
    in.clear();
    out.clear();
    for (int i : node.inputs) in.push_back(i >= 0 ? &tensors[i] : nullptr);
    for (int o : node.outputs) out.push_back(&tensors[o]);
    try {
      kernels_[n]->run(rc, in, out);
    } catch (const Error& e) {
      throw Error(e.code(), nodeLabel(node) + ": " + e.what());
    }
    if (observer)
      for (int o : node.outputs)
        if (o >= 0 && observer->watches(o)) observer->observe(o, tensors[o]);
  }
  for (size_t o = 0; o < outputs.size(); ++o)
    if (!writtenInPlace[o] && outputs[o].bytes) std::memcpy(outputs[o].data.get(), tensors[plan_.outputs[o]].data, outputs[o].bytes);
  return outputs;
}

}  // namespace int8rt::engine
