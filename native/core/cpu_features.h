// Which x86 instruction set the CPU kernels dispatch to, read once from cpuid (and xgetbv, so an
// OS that does not save AVX-512 state is respected). INT8RT_ISA may lower it, never raise it.
#pragma once

namespace int8rt {

enum class Isa : int { Scalar = 0, Avx2 = 1, AvxVnni = 2, Avx512 = 3, Avx512Vnni = 4 };

const char* isaName(Isa isa);
bool isaFromName(const char* name, Isa* out);
Isa detectedIsa();        // what the hardware and OS support
Isa activeIsa();          // what kernels use now (detected, possibly lowered)
bool setActiveIsa(Isa);   // false when the hardware lacks it (test hook and INT8RT_ISA)
bool isaIncludes(Isa active, Isa feature);  // e.g. Avx512Vnni includes Avx2 but not AvxVnni

}  // namespace int8rt
