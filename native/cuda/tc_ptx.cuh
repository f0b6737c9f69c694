// Inline-PTX wrappers for the Ampere-style Tensor Core pipeline (sm_80+): cp.async, ldmatrix, mma.sync.
#pragma once
#include <cstdint>

namespace int8rt::cuda::ptx {

__device__ __forceinline__ uint32_t smemAddr(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// 16-byte global→shared copy that bypasses L1 (.cg: operands are streamed, reuse is in shared memory).
// srcBytes is 16 or 0; 0 reads nothing and zero-fills the 16 bytes (out-of-range rows / K tail).
__device__ __forceinline__ void cpAsync16(uint32_t dst, const void* src, uint32_t srcBytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(srcBytes)
               : "memory");
}
__device__ __forceinline__ void cpAsyncCommit() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }
// Wait until at most N of this thread's committed groups are still in flight.
template <int N>
__device__ __forceinline__ void cpAsyncWait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
}

// Four 8×8 b16 matrices (8 rows × 16 bytes each); lanes 8q..8q+7 give the row addresses of matrix q.
// Thread t receives, for each matrix q, bytes 4·(t%4)..+3 of row t/4 in r[q].
__device__ __forceinline__ void ldmatrixX4(uint32_t (&r)[4], uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr)
               : "memory");
}

// D = A·B + D, one warp, 16×8 output tile. A: 4 regs (16 rows × 32 bytes of K), B: 2 regs (8 cols × 32 bytes
// of K). Both shapes below eat 32 bytes of K per row, so int8 and fp16 share the fragment byte layout:
//   a[0]: row g,   K bytes 4t..4t+3      a[1]: row g+8, same bytes
//   a[2]: row g,   K bytes 16+4t..       a[3]: row g+8, K bytes 16+4t..
//   b[0]: col g,   K bytes 4t..4t+3      b[1]: col g,   K bytes 16+4t..
//   c[0..1]: row g, cols 2t, 2t+1        c[2..3]: row g+8, cols 2t, 2t+1      (g = lane/4, t = lane%4)
struct MmaS8 {  // int8 × int8 → int32, K = 32
  using Acc = int;
  __device__ __forceinline__ static void run(int (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

struct MmaF16 {  // fp16 × fp16 → fp32, K = 16
  using Acc = float;
  __device__ __forceinline__ static void run(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

}  // namespace int8rt::cuda::ptx
