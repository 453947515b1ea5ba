// Which sanitizers this translation unit is compiled with, for the code and tests that
// must take another road there: GOMAP_ASAN (AddressSanitizer) and GOMAP_TSAN
// (ThreadSanitizer) are defined to 1 when on. g++ says so with a macro, clang++ with a
// feature test.
#ifndef GOMAP_INTERNAL_SANITIZERS_H_
#define GOMAP_INTERNAL_SANITIZERS_H_

#if defined(__SANITIZE_ADDRESS__)
#define GOMAP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOMAP_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define GOMAP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GOMAP_TSAN 1
#endif
#endif

#endif  // GOMAP_INTERNAL_SANITIZERS_H_
