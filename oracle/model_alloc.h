// The allocator of the reference models' containers: their nodes and bucket arrays come
// from one process-wide pool (std::pmr::synchronized_pool_resource) instead of the heap.
//
// The models allocate a node per entry, and every fuzz input builds its models afresh.
// Under the fuzz preset's AddressSanitizer each heap allocation records a stack trace and
// each free sends the block to quarantine, so the next allocations land on fresh pages:
// on concurrent_fuzzer's median input (84 inserts) the model's inserts took more of the
// time than the map's own. The pool keeps freed blocks for reuse and never gives its
// memory back; it holds at most what the models held at their peak. The map under test
// does not allocate here.
//
// AddressSanitizer still sees the models' misuse of their own memory: a block is poisoned
// while it sits in the pool, so reading a freed model node is reported as a use after
// poison (without the stack trace of the free the heap would have recorded).
//
// The allocator has no state (every instance uses the same pool), so containers that use
// it copy, move and swap as with std::allocator. Any thread may allocate and free.
#ifndef GOMAP_ORACLE_MODEL_ALLOC_H_
#define GOMAP_ORACLE_MODEL_ALLOC_H_

#include <sanitizer/asan_interface.h>

#include <cstddef>
#include <memory>
#include <version>
#if __has_include(<memory_resource>)
#include <memory_resource>
#endif

// A C++ library without std::pmr (libc++ before 16, as in Debian's clang 14 that the
// OSS-Fuzz check's standalone libc++ build uses) gets the heap: the same behaviour, only
// slower under ASan.
#if defined(__cpp_lib_memory_resource)
#define GOMAP_MODEL_POOL 1
#endif

namespace gomap::oracle {

#ifdef GOMAP_MODEL_POOL
// The pool; never destroyed, so models in static storage may outlive every other object.
inline std::pmr::synchronized_pool_resource& ModelPool() {
  static auto* pool = new std::pmr::synchronized_pool_resource();
  return *pool;
}
#endif

template <class T>
struct ModelAllocator {
  using value_type = T;

  ModelAllocator() = default;
  template <class U>
  ModelAllocator(const ModelAllocator<U>&) noexcept {}  // NOLINT: rebinding converts

#ifdef GOMAP_MODEL_POOL
  T* allocate(std::size_t n) {
    void* p = ModelPool().allocate(n * sizeof(T), alignof(T));
    ASAN_UNPOISON_MEMORY_REGION(p, n * sizeof(T));
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t n) noexcept {
    // Blocks larger than the pool's biggest go back to the heap at once; the heap's own
    // poisoning covers them.
    if (n * sizeof(T) <= ModelPool().options().largest_required_pool_block) {
      ASAN_POISON_MEMORY_REGION(p, n * sizeof(T));
    }
    ModelPool().deallocate(p, n * sizeof(T), alignof(T));
  }
#else
  T* allocate(std::size_t n) { return std::allocator<T>().allocate(n); }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }
#endif

  template <class U>
  bool operator==(const ModelAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_MODEL_ALLOC_H_
