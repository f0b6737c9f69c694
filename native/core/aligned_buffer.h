// A grow-only, 64-byte aligned scratch buffer. Kernels keep one per thread so steady-state calls
// allocate nothing.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <new>

namespace int8rt {

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  ~AlignedBuffer() { std::free(data_); }

  template <class T>
  T* get(size_t count) {
    size_t bytes = (count * sizeof(T) + 63) / 64 * 64;
    if (bytes > size_) {
      std::free(data_);
      data_ = std::aligned_alloc(64, bytes);
      if (!data_) {
        size_ = 0;
        throw std::bad_alloc();
      }
      size_ = bytes;
    }
    return static_cast<T*>(data_);
  }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace int8rt
