#include "core/cpu_features.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define INT8RT_X86 1
#endif

namespace int8rt {

namespace {

struct Features {
  bool avx2 = false, fma = false, f16c = false, avxvnni = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false, avx512vnni = false;
};

#ifdef INT8RT_X86
unsigned long long xgetbv0() {
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<unsigned long long>(edx) << 32) | eax;
}
#endif

Features readFeatures() {
  Features f;
#ifdef INT8RT_X86
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  bool osxsave = c & (1u << 27);
  if (!osxsave) return f;
  unsigned long long xcr0 = xgetbv0();
  bool ymm = (xcr0 & 0x6) == 0x6;     // SSE + AVX state
  bool zmm = (xcr0 & 0xe6) == 0xe6;   // + opmask, ZMM_Hi256, Hi16_ZMM
  bool fma = c & (1u << 12), f16c = c & (1u << 29), avx = c & (1u << 28);
  if (!ymm || !avx) return f;
  f.fma = fma;
  f.f16c = f16c;
  unsigned maxLeaf = __get_cpuid_max(0, nullptr);
  if (maxLeaf >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    f.avx2 = b & (1u << 5);
    if (zmm) {
      f.avx512f = b & (1u << 16);
      f.avx512dq = b & (1u << 17);
      f.avx512bw = b & (1u << 30);
      f.avx512vl = b & (1u << 31);
      f.avx512vnni = c & (1u << 11);
    }
    __cpuid_count(7, 1, a, b, c, d);
    f.avxvnni = a & (1u << 4);
  }
#endif
  return f;
}

Isa bestIsa(const Features& f) {
  bool avx2 = f.avx2 && f.fma && f.f16c;
  bool avx512 = avx2 && f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq;
  if (avx512 && f.avx512vnni) return Isa::Avx512Vnni;
  if (avx512) return Isa::Avx512;
  if (avx2 && f.avxvnni) return Isa::AvxVnni;
  if (avx2) return Isa::Avx2;
  return Isa::Scalar;
}

const char* kNames[] = {"scalar", "avx2", "avx_vnni", "avx512", "avx512_vnni"};

std::atomic<int>& active() {
  static std::atomic<int> isa([] {
    Isa detected = detectedIsa();
    Isa wanted;
    const char* env = std::getenv("INT8RT_ISA");
    if (env && isaFromName(env, &wanted) && isaIncludes(detected, wanted)) return static_cast<int>(wanted);
    return static_cast<int>(detected);
  }());
  return isa;
}

}  // namespace

const char* isaName(Isa isa) { return kNames[static_cast<int>(isa)]; }

bool isaFromName(const char* name, Isa* out) {
  for (int i = 0; i < 5; ++i) {
    if (std::strcmp(name, kNames[i]) == 0) {
      *out = static_cast<Isa>(i);
      return true;
    }
  }
  return false;
}

Isa detectedIsa() {
  static const Isa isa = bestIsa(readFeatures());
  return isa;
}

// The levels form a lattice, not a line: AVX-VNNI (256-bit VEX) is not implied by AVX-512 VNNI.
bool isaIncludes(Isa active, Isa feature) {
  if (feature == Isa::Scalar || feature == active) return true;
  switch (active) {
    case Isa::Avx512Vnni: return feature == Isa::Avx2 || feature == Isa::Avx512;
    case Isa::Avx512: return feature == Isa::Avx2;
    case Isa::AvxVnni: return feature == Isa::Avx2;
    default: return false;
  }
}

Isa activeIsa() { return static_cast<Isa>(active().load(std::memory_order_relaxed)); }

bool setActiveIsa(Isa isa) {
  if (!isaIncludes(detectedIsa(), isa)) return false;
  active().store(static_cast<int>(isa));
  return true;
}

}  // namespace int8rt
