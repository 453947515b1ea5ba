// Deliberate bugs, compiled in only by gomap_runtime_variant (runtime/CMakeLists.txt)
// for the tests that prove the harness catches them. The shipped library is built with
// GOMAP_MUTANT undefined, which makes every kMutant* constant false.
#ifndef GOMAP_RUNTIME_INTERNAL_MUTANTS_H_
#define GOMAP_RUNTIME_INTERNAL_MUTANTS_H_

#ifndef GOMAP_MUTANT
#define GOMAP_MUTANT 0
#endif

namespace gomap::internal {
inline constexpr int kMutant = GOMAP_MUTANT;
// 1: delete leaves emptyOne behind and never propagates emptyRest backwards.
inline constexpr bool kMutantNoEmptyRestBackprop = kMutant == 1;
// 2: iterators started mid-grow skip the checkBucket filter of unevacuated old buckets.
inline constexpr bool kMutantNoCheckBucket = kMutant == 2;
// 3: an overwrite keeps the stored key (so -0 over +0 stays +0).
inline constexpr bool kMutantNoKeyUpdate = kMutant == 3;
// 4: evacuation routes NaN keys by their (random) hash even while iterators run.
inline constexpr bool kMutantNaNByHash = kMutant == 4;
// 5: the load-factor trigger fires one insert late.
inline constexpr bool kMutantGrowthOffByOne = kMutant == 5;
}  // namespace gomap::internal

#endif  // GOMAP_RUNTIME_INTERNAL_MUTANTS_H_
