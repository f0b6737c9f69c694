// int8rt::cuda::gemm: argument checks, device selection, device memory, layout canonicalization and the
// choice of kernel. Kernels live in gemm_s8.cu / gemm_f16.cu / gemm_f32.cu, the layout packers in
// gemm_pack.cu. The launch on device-resident operands (launchResident) is shared with gemm_bench.cu.
//
// Memory: each call leases a Workspace (a set of grow-only device buffers) from a per-device pool and
// returns it when done, so concurrent calls never share a buffer and steady-state calls allocate nothing.
// The pool holds at most as many workspaces as there were concurrent calls. Work is queued on the calling
// thread's per-thread stream (cudaStreamPerThread), so calls from different threads overlap on the GPU.
#include <cuda_runtime.h>

#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "cuda_api.h"
#include "cuda_check.cuh"
#include "gemm_dispatch.cuh"
#include "gemm_kernels.cuh"

namespace int8rt::cuda {
namespace {

// Grow-only device allocation. Sizes are rounded up to 2 MiB so slowly growing shapes do not reallocate
// on every call.
class DeviceBuffer {
 public:
  // Returns at least `bytes` of device memory (nullptr for 0 bytes on a fresh buffer); the contents are not
  // preserved across growth. Throws Oom / Cuda.
  void* get(size_t bytes, const char* what);
  void release() {
    if (ptr_) (void)cudaFree(ptr_);
    ptr_ = nullptr;
    cap_ = 0;
  }

 private:
  void* ptr_ = nullptr;
  size_t cap_ = 0;
};

struct Workspace {
  DeviceBuffer rawA, rawB, packA, packB, C, bias, scale;
  void releaseAll() {
    for (DeviceBuffer* b : {&rawA, &rawB, &packA, &packB, &C, &bias, &scale}) b->release();
  }
};

// Idle workspaces per device. Deliberately never destroyed: freeing device memory from a static destructor
// can run after the CUDA runtime has shut down.
struct Pool {
  std::mutex mu;
  std::vector<std::vector<Workspace*>> idle;  // [device]
};
Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

// Frees the buffers of every idle workspace on the current device (after an allocation failure).
void trimIdle() {
  int dev = 0;
  if (cudaGetDevice(&dev) != cudaSuccess) return;
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mu);
  if (dev < static_cast<int>(p.idle.size()))
    for (Workspace* w : p.idle[dev]) w->releaseAll();
}

void* DeviceBuffer::get(size_t bytes, const char* what) {
  if (bytes <= cap_) return ptr_;
  release();
  constexpr size_t kGranule = size_t(2) << 20;
  const size_t want = (bytes + kGranule - 1) / kGranule * kGranule;
  void* p = nullptr;
  cudaError_t err = cudaMalloc(&p, want);
  if (err == cudaErrorMemoryAllocation) {  // other threads' idle caches may be holding the memory
    (void)cudaGetLastError();
    trimIdle();
    err = cudaMalloc(&p, want);
  }
  if (err != cudaSuccess) throwCuda(err, what);
  ptr_ = p;
  cap_ = want;
  return p;
}

// Takes an idle workspace of `device` (or a new one) and gives it back on scope exit, after the calling
// thread's stream has drained so that no queued work still uses its buffers.
class WorkspaceLease {
 public:
  explicit WorkspaceLease(int device) : device_(device) {
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mu);
    if (static_cast<int>(p.idle.size()) <= device) p.idle.resize(device + 1);
    auto& list = p.idle[device];
    if (!list.empty()) {
      ws_ = list.back();
      list.pop_back();
    }
  }
  ~WorkspaceLease() {
    if (!ws_) return;
    (void)cudaStreamSynchronize(cudaStreamPerThread);  // no-op after a successful call
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mu);
    p.idle[device_].push_back(ws_);
  }
  WorkspaceLease(const WorkspaceLease&) = delete;
  WorkspaceLease& operator=(const WorkspaceLease&) = delete;

  Workspace& get() {
    if (!ws_) ws_ = new Workspace;  // outside the lock; std::bad_alloc propagates before anything is queued
    return *ws_;
  }

 private:
  int device_;
  Workspace* ws_ = nullptr;
};

void upload(void* dst, const void* src, size_t bytes, cudaStream_t s, const char* what) {
  if (bytes) CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, s), what);
}

bool validOut(DType in, DType out) {
  switch (out) {
    case DType::Int32: return in == DType::Int8;
    case DType::Float32: case DType::Float16: case DType::Int8: return true;
    default: return false;
  }
}

// The canonical Tensor Core row: K·elemSize bytes rounded up to 16.
struct TcLayout {
  int es;          // element bytes: 1 (int8) or 2 (fp16)
  int64_t kBytes;  // bytes per canonical row
  int64_t kPad;    // the same in elements (the ld of the pack buffers)
  bool kAligned;   // kPad == K: a K-contiguous operand can be used as stored
};
TcLayout tcLayout(const GemmDesc& d) {
  TcLayout l;
  l.es = d.inType == DType::Int8 ? 1 : 2;
  l.kBytes = (d.K * l.es + 15) / 16 * 16;
  l.kPad = l.kBytes / l.es;
  l.kAligned = l.kPad == d.K;
  return l;
}

}  // namespace

void validateDesc(const GemmDesc& d) {
  constexpr int64_t kMax = std::numeric_limits<int>::max();
  if (d.M < 0 || d.N < 0 || d.K < 0)
    throw Error(ErrorCode::Shape, "gemm: Expected non-negative M, N, K but received " + std::to_string(d.M) + ", " +
                                      std::to_string(d.N) + ", " + std::to_string(d.K));
  // Kernels index rows and K bytes with int (K·2 + padding for fp16 must fit too).
  if (d.M > kMax || d.N > kMax || d.K > kMax / 2 - 16)
    throw Error(ErrorCode::Shape, "gemm: dimensions too large for the CUDA backend");
  if (d.inType != DType::Int8 && d.inType != DType::Float16 && d.inType != DType::Float32)
    throw Error(ErrorCode::DType, "gemm: Expected inType int8, float16 or float32");
  if (!validOut(d.inType, d.outType))
    throw Error(ErrorCode::DType, d.inType == DType::Int8
                                      ? "gemm: Expected outType int32, float32, float16 or int8 for int8 inputs"
                                      : "gemm: Expected outType float32, float16 or int8 for float inputs");
}

void requireDevice(int device, const char* what) {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess || count == 0) {
    (void)cudaGetLastError();
    throw Error(ErrorCode::NoCuda, std::string(what) + ": no CUDA device available" +
                                       (err != cudaSuccess ? std::string(" (") + cudaGetErrorName(err) + ")" : ""));
  }
  if (device < 0 || device >= count)
    throw Error(ErrorCode::InvalidArg, std::string(what) + ": Expected a CUDA device index in [0, " +
                                           std::to_string(count) + ") but received " + std::to_string(device));
}

Epilogue scalarEpilogue(const GemmDesc& d, void* C) {
  Epilogue e;
  e.C = C;
  e.M = static_cast<int>(d.M);
  e.N = static_cast<int>(d.N);
  e.relu = d.relu;
  e.scaleA = d.scaleA;
  e.scaleBScalar = d.scaleBScalar;
  e.outScale = d.outScale;
  return e;
}

// Tensor Core operands are canonical as A [M, Kp] and B [N, Kp] (K-contiguous, Kp·elemSize a multiple of 16):
// A is used as stored unless transposed or K is unaligned; B ([K, N] by default) only when transB and K is aligned.
PackBytes packBytes(const GemmDesc& d) {
  PackBytes p;
  if (d.inType == DType::Float32) return p;
  const TcLayout l = tcLayout(d);
  if (d.transA || !l.kAligned) p.a = static_cast<size_t>(d.M * l.kBytes);
  if (!d.transB || !l.kAligned) p.b = static_cast<size_t>(d.N * l.kBytes);
  return p;
}

void launchResident(const GemmDesc& d, const void* A, const void* B, void* packA, void* packB, const Epilogue& e,
                    cudaStream_t s) {
  if (d.inType == DType::Float32) {
    F32Operands op;
    op.A = static_cast<const float*>(A);
    op.B = static_cast<const float*>(B);
    op.M = static_cast<int>(d.M);
    op.N = static_cast<int>(d.N);
    op.K = static_cast<int>(d.K);
    op.transA = d.transA;
    op.transB = d.transB;
    return launchGemmF32(op, e, d.outType, s);
  }
  const TcLayout l = tcLayout(d);
  const PackBytes need = packBytes(d);
  TcOperands op;
  op.M = static_cast<int>(d.M);
  op.N = static_cast<int>(d.N);
  op.kBytes = static_cast<int>(l.kBytes);
  op.A = A;
  op.B = B;
  if (need.a) {
    launchPackOperand(A, packA, op.M, static_cast<int>(d.K), static_cast<int>(l.kPad), d.transA, l.es, s);
    op.A = packA;
  }
  if (need.b) {  // [K, N] is transposed on the device
    launchPackOperand(B, packB, op.N, static_cast<int>(d.K), static_cast<int>(l.kPad), !d.transB, l.es, s);
    op.B = packB;
  }
  if (d.inType == DType::Int8)
    launchGemmS8(op, e, d.outType, s);
  else
    launchGemmF16(op, e, d.outType, s);
}

void gemm(const GemmDesc& d, int device) {
  validateDesc(d);
  if ((d.M * d.K > 0 && !d.A) || (d.K * d.N > 0 && !d.B) || (d.M * d.N > 0 && !d.C))
    throw Error(ErrorCode::InvalidArg, "gemm: missing A, B or C data");
  requireDevice(device, "gemm");
  if (d.M == 0 || d.N == 0) return;

  DeviceGuard guard(device);
  WorkspaceLease lease(device);
  Workspace& ws = lease.get();
  cudaStream_t s = cudaStreamPerThread;

  const size_t cBytes = static_cast<size_t>(d.M * d.N) * dtypeSize(d.outType);
  Epilogue e = scalarEpilogue(d, ws.C.get(cBytes, "cudaMalloc(gemm C)"));
  const size_t colBytes = static_cast<size_t>(d.N) * sizeof(float);
  if (d.bias) {
    void* p = ws.bias.get(colBytes, "cudaMalloc(gemm bias)");
    upload(p, d.bias, colBytes, s, "cudaMemcpyAsync(gemm bias)");
    e.bias = static_cast<const float*>(p);
  }
  if (d.inType == DType::Int8 && d.scaleB) {
    void* p = ws.scale.get(colBytes, "cudaMalloc(gemm scaleB)");
    upload(p, d.scaleB, colBytes, s, "cudaMemcpyAsync(gemm scaleB)");
    e.scaleB = static_cast<const float*>(p);
  }

  const size_t es = dtypeSize(d.inType);
  const size_t aBytes = static_cast<size_t>(d.M * d.K) * es, bBytes = static_cast<size_t>(d.K * d.N) * es;
  void* A = ws.rawA.get(aBytes, "cudaMalloc(gemm A)");
  void* B = ws.rawB.get(bBytes, "cudaMalloc(gemm B)");
  upload(A, d.A, aBytes, s, "cudaMemcpyAsync(gemm A)");
  upload(B, d.B, bBytes, s, "cudaMemcpyAsync(gemm B)");
  const PackBytes pack = packBytes(d);
  void* packA = pack.a ? ws.packA.get(pack.a, "cudaMalloc(gemm A pack)") : nullptr;
  void* packB = pack.b ? ws.packB.get(pack.b, "cudaMalloc(gemm B pack)") : nullptr;
  launchResident(d, A, B, packA, packB, e, s);

  CUDA_CHECK(cudaMemcpyAsync(d.C, e.C, cBytes, cudaMemcpyDeviceToHost, s), "cudaMemcpyAsync(gemm C)");
  CUDA_CHECK(cudaStreamSynchronize(s), "gemm (cudaStreamSynchronize)");
}

}  // namespace int8rt::cuda
