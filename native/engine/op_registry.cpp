#include "engine/op_registry.h"

namespace int8rt::engine {

OpRegistry& OpRegistry::cpu() {
  static OpRegistry registry;
  return registry;
}

}  // namespace int8rt::engine
