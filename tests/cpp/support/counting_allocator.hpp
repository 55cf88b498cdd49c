#pragma once

// Interposes the C allocator (malloc, calloc, realloc, free) of the program that includes it
// (include it in exactly one translation unit; glibc only) with versions that count
// allocations and live heap bytes. operator new and Eigen's aligned allocations go through
// malloc, so everything a detector allocates is counted: a test checks that a code path does
// not allocate, and a benchmark measures the heap an object holds. Not for sanitizer builds.

#include <malloc.h>

#include <cstddef>

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void __libc_free(void* pointer);
}

namespace counting_allocator {

inline std::size_t allocations = 0;  // successful malloc/calloc/realloc calls so far
inline std::size_t live_bytes = 0;   // usable bytes allocated and not yet freed

inline void* counted(void* pointer) {
  if (pointer != nullptr) {
    ++allocations;
    live_bytes += malloc_usable_size(pointer);
  }
  return pointer;
}

inline void uncount(void* pointer) {
  if (pointer != nullptr) live_bytes -= malloc_usable_size(pointer);
}

}  // namespace counting_allocator

extern "C" {
void* malloc(std::size_t size) noexcept { return counting_allocator::counted(__libc_malloc(size)); }
void* calloc(std::size_t count, std::size_t size) noexcept {
  return counting_allocator::counted(__libc_calloc(count, size));
}
void* realloc(void* pointer, std::size_t size) noexcept {
  counting_allocator::uncount(pointer);
  return counting_allocator::counted(__libc_realloc(pointer, size));
}
void free(void* pointer) noexcept {
  counting_allocator::uncount(pointer);
  __libc_free(pointer);
}
}
