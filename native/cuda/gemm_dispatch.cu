// int8rt::cuda::gemm: argument checks, device selection, device memory, layout canonicalization and the
// choice of kernel. Kernels live in gemm_s8.cu / gemm_f16.cu / gemm_f32.cu, the layout packers in
// gemm_pack.cu.
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

// Makes `device` current for the calling thread and restores the previous one afterwards.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device) {
    if (cudaGetDevice(&prev_) != cudaSuccess) {
      (void)cudaGetLastError();
      prev_ = -1;
    }
    if (prev_ != device) CUDA_CHECK(cudaSetDevice(device), "cudaSetDevice");
  }
  ~DeviceGuard() {
    if (prev_ >= 0) (void)cudaSetDevice(prev_);
  }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int prev_ = -1;
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

void validate(const GemmDesc& d) {
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
  if ((d.M * d.K > 0 && !d.A) || (d.K * d.N > 0 && !d.B) || (d.M * d.N > 0 && !d.C))
    throw Error(ErrorCode::InvalidArg, "gemm: missing A, B or C data");
}

// Tensor Core path: bring A to [M, Kp] and B to [N, Kp] (K-contiguous, Kp·elemSize a multiple of 16) unless
// they already are, then run the int8 or fp16 kernel.
void runTensorCore(const GemmDesc& d, Workspace& ws, const Epilogue& e, cudaStream_t s) {
  const int es = d.inType == DType::Int8 ? 1 : 2;
  const int64_t kBytes = (d.K * es + 15) / 16 * 16;
  const int64_t kPad = kBytes / es;  // ld of the canonical buffers, in elements
  const bool kAligned = kPad == d.K;

  TcOperands op;
  op.M = static_cast<int>(d.M);
  op.N = static_cast<int>(d.N);
  op.kBytes = static_cast<int>(kBytes);

  // A is canonical as stored unless transposed ([K, M]).
  const size_t aBytes = static_cast<size_t>(d.M * d.K * es);
  void* rawA = ws.rawA.get(aBytes, "cudaMalloc(gemm A)");
  upload(rawA, d.A, aBytes, s, "cudaMemcpyAsync(gemm A)");
  if (!d.transA && kAligned) {
    op.A = rawA;
  } else {
    void* packA = ws.packA.get(static_cast<size_t>(d.M * kBytes), "cudaMalloc(gemm A pack)");
    launchPackOperand(rawA, packA, op.M, static_cast<int>(d.K), static_cast<int>(kPad), d.transA, es, s);
    op.A = packA;
  }

  // B is canonical ([N, K]) only when transB; [K, N] is transposed on the device.
  const size_t bBytes = static_cast<size_t>(d.K * d.N * es);
  void* rawB = ws.rawB.get(bBytes, "cudaMalloc(gemm B)");
  upload(rawB, d.B, bBytes, s, "cudaMemcpyAsync(gemm B)");
  if (d.transB && kAligned) {
    op.B = rawB;
  } else {
    void* packB = ws.packB.get(static_cast<size_t>(d.N * kBytes), "cudaMalloc(gemm B pack)");
    launchPackOperand(rawB, packB, op.N, static_cast<int>(d.K), static_cast<int>(kPad), !d.transB, es, s);
    op.B = packB;
  }

  if (d.inType == DType::Int8)
    launchGemmS8(op, e, d.outType, s);
  else
    launchGemmF16(op, e, d.outType, s);
}

void runF32(const GemmDesc& d, Workspace& ws, const Epilogue& e, cudaStream_t s) {
  F32Operands op;
  op.M = static_cast<int>(d.M);
  op.N = static_cast<int>(d.N);
  op.K = static_cast<int>(d.K);
  op.transA = d.transA;
  op.transB = d.transB;
  const size_t aBytes = static_cast<size_t>(d.M * d.K) * sizeof(float);
  const size_t bBytes = static_cast<size_t>(d.K * d.N) * sizeof(float);
  op.A = static_cast<const float*>(ws.rawA.get(aBytes, "cudaMalloc(gemm A)"));
  op.B = static_cast<const float*>(ws.rawB.get(bBytes, "cudaMalloc(gemm B)"));
  upload(const_cast<float*>(op.A), d.A, aBytes, s, "cudaMemcpyAsync(gemm A)");
  upload(const_cast<float*>(op.B), d.B, bBytes, s, "cudaMemcpyAsync(gemm B)");
  launchGemmF32(op, e, d.outType, s);
}

}  // namespace

void gemm(const GemmDesc& d, int device) {
  validate(d);

  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess || count == 0) {
    (void)cudaGetLastError();
    throw Error(ErrorCode::NoCuda, std::string("gemm: no CUDA device available") +
                                       (err != cudaSuccess ? std::string(" (") + cudaGetErrorName(err) + ")" : ""));
  }
  if (device < 0 || device >= count)
    throw Error(ErrorCode::InvalidArg, "gemm: Expected a CUDA device index in [0, " + std::to_string(count) +
                                           ") but received " + std::to_string(device));
  if (d.M == 0 || d.N == 0) return;

  DeviceGuard guard(device);
  WorkspaceLease lease(device);
  Workspace& ws = lease.get();
  cudaStream_t s = cudaStreamPerThread;

  Epilogue e;
  e.M = static_cast<int>(d.M);
  e.N = static_cast<int>(d.N);
  e.relu = d.relu;
  e.scaleA = d.scaleA;
  e.scaleBScalar = d.scaleBScalar;
  e.outScale = d.outScale;
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
  const size_t cBytes = static_cast<size_t>(d.M * d.N) * dtypeSize(d.outType);
  e.C = ws.C.get(cBytes, "cudaMalloc(gemm C)");

  if (d.inType == DType::Float32)
    runF32(d, ws, e, s);
  else
    runTensorCore(d, ws, e, s);

  CUDA_CHECK(cudaMemcpyAsync(d.C, e.C, cBytes, cudaMemcpyDeviceToHost, s), "cudaMemcpyAsync(gemm C)");
  CUDA_CHECK(cudaStreamSynchronize(s), "gemm (cudaStreamSynchronize)");
}

}  // namespace int8rt::cuda
