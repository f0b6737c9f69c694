// Everything a gemm_<isa>.cpp needs, included BEFORE its `#pragma GCC target`: functions from these
// headers must stay compiled for the baseline ISA, or the linker could pick an AVX build of a shared
// inline function and run it on a CPU without AVX. Only gemm_driver.h / gemm_epilogue.h / gemm_u8s8.h
// (internal linkage) are included after the pragma.
#pragma once
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <type_traits>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/gemm_desc.h"
#include "core/half.h"
#include "core/thread_pool.h"
#include "cpu/gemm.h"
