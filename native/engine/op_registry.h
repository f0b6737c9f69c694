// Operator name -> kernel factory, one registry per backend. Each op family registers itself from its
// own file (native/cpu/ops/<family>.cpp) with INT8RT_REGISTER_CPU_OP, so adding an op touches no
// central list.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "engine/op_kernel.h"

namespace int8rt::engine {

using KernelFactory = std::function<std::unique_ptr<OpKernel>(const KernelContext&)>;

class OpRegistry {
 public:
  static OpRegistry& cpu();
  void add(const std::string& op, KernelFactory factory) { factories_[op] = std::move(factory); }
  const KernelFactory* find(const std::string& op) const {
    auto it = factories_.find(op);
    return it == factories_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, KernelFactory> factories_;
};

// Makes a factory for a kernel class whose constructor takes a KernelContext.
template <class K>
KernelFactory factoryOf() {
  return [](const KernelContext& c) -> std::unique_ptr<OpKernel> { return std::make_unique<K>(c); };
}

}  // namespace int8rt::engine

#define INT8RT_CONCAT_INNER(a, b) a##b
#define INT8RT_CONCAT(a, b) INT8RT_CONCAT_INNER(a, b)
// Registers at static-initialization time (every object file is linked into the addon, none dropped).
#define INT8RT_REGISTER_CPU_OP(name, factory)                  \
  static const bool INT8RT_CONCAT(kRegistered_, __COUNTER__) = \
      (::int8rt::engine::OpRegistry::cpu().add(name, factory), true)
