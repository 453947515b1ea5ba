// Map workloads over gomap::Map, std::unordered_map and absl::flat_hash_map, with the
// same names, keys and steps as the Go twin (bench/go/map_test.go) so that scripts/bench.sh
// can put all four contenders in one table.
//
// Names: <Workload>/<contender>/<key>/<N>. Every timed benchmark reports items_per_second
// where one item is one map operation; Tail and Memory report their own counters.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "bench/keys.h"
#include "benchmark/benchmark.h"
#include "gomap/map.h"

namespace gomap::bench {
namespace {

template <class K>
struct GomapMap {
  static constexpr const char* kName = "gomap";
  Map<K, int64_t> m;
  void Init(size_t hint) {
    m = Map<K, int64_t>();  // the old map goes first, as in StdLikeMap::Init
    m = Map<K, int64_t>::Make(static_cast<int64_t>(hint));
  }
  void Insert(const K& k, int64_t v) { m.Set(k, v); }
  bool Find(const K& k, int64_t* v) {
    auto [x, ok] = m.Lookup(k);
    *v = x;
    return ok;
  }
  void Erase(const K& k) { m.Delete(k); }
  int64_t Sum() {
    int64_t s = 0;
    for (auto it = m.Range(); it.Next();) s += it.Value();
    return s;
  }
  size_t Size() { return static_cast<size_t>(m.Len()); }
};

template <class K, class M>
struct StdLikeMap {
  M m;
  void Init(size_t hint) {
    m = M();
    if (hint) m.reserve(hint);
  }
  void Insert(const K& k, int64_t v) { m[k] = v; }
  bool Find(const K& k, int64_t* v) {
    auto it = m.find(k);
    if (it == m.end()) return false;
    *v = it->second;
    return true;
  }
  void Erase(const K& k) { m.erase(k); }
  int64_t Sum() {
    int64_t s = 0;
    for (const auto& [k, v] : m) s += v;
    return s;
  }
  size_t Size() { return m.size(); }
};
template <class K>
struct StdMap : StdLikeMap<K, std::unordered_map<K, int64_t>> {
  static constexpr const char* kName = "std";
};
template <class K>
struct AbslMap : StdLikeMap<K, absl::flat_hash_map<K, int64_t>> {
  static constexpr const char* kName = "absl";
};

template <class K>
std::vector<K> Keys(size_t n, uint64_t seed) {
  if constexpr (std::is_same_v<K, std::string>) {
    return StrKeys(n, seed);
  } else {
    return IntKeys(n, seed);
  }
}

template <class M, class K>
void Fill(M* m, const std::vector<K>& keys, size_t hint) {
  m->Init(hint);
  for (size_t i = 0; i < keys.size(); i++) m->Insert(keys[i], static_cast<int64_t>(i));
}

template <class M, class K>
void InsertNoHint(benchmark::State& st, size_t n) {
  auto keys = Keys<K>(n, kHitSeed);
  M m;
  for (auto _ : st) {
    Fill(&m, keys, 0);
    benchmark::DoNotOptimize(m.Size());
  }
  st.SetItemsProcessed(st.iterations() * n);
}

template <class M, class K>
void InsertHint(benchmark::State& st, size_t n) {
  auto keys = Keys<K>(n, kHitSeed);
  M m;
  for (auto _ : st) {
    Fill(&m, keys, n);
    benchmark::DoNotOptimize(m.Size());
  }
  st.SetItemsProcessed(st.iterations() * n);
}

template <class M, class K>
void LookupHit(benchmark::State& st, size_t n) {
  auto keys = Keys<K>(n, kHitSeed);
  auto order = Order(n);
  std::vector<K> probe(n);
  for (size_t i = 0; i < n; i++) probe[i] = keys[order[i]];
  M m;
  Fill(&m, keys, 0);
  for (auto _ : st) {
    int64_t s = 0, v = 0;
    for (const K& k : probe) s += m.Find(k, &v) ? v : 0;
    benchmark::DoNotOptimize(s);
  }
  st.SetItemsProcessed(st.iterations() * n);
}

template <class M, class K>
void LookupMiss(benchmark::State& st, size_t n) {
  auto keys = Keys<K>(n, kHitSeed);
  auto miss = Keys<K>(n, kMissSeed);
  M m;
  Fill(&m, keys, 0);
  for (auto _ : st) {
    int64_t found = 0, v = 0;
    for (const K& k : miss) found += m.Find(k, &v);
    benchmark::DoNotOptimize(found);
  }
  st.SetItemsProcessed(st.iterations() * n);
}

// The keys are deleted in random order from a sequence built beforehand, as LookupHit
// probes: the timed loop reads it front to back and spends its misses in the map.
template <class M, class K>
void DeleteAll(benchmark::State& st, size_t n) {
  auto keys = Keys<K>(n, kHitSeed);
  auto order = Order(n);
  std::vector<K> del(n);
  for (size_t i = 0; i < n; i++) del[i] = keys[order[i]];
  M m;
  for (auto _ : st) {
    st.PauseTiming();
    Fill(&m, keys, 0);
    st.ResumeTiming();
    for (const K& k : del) m.Erase(k);
    benchmark::DoNotOptimize(m.Size());
  }
  st.SetItemsProcessed(st.iterations() * n);
}

template <class M, class K>
void IterateSum(benchmark::State& st, size_t n) {
  auto keys = Keys<K>(n, kHitSeed);
  M m;
  Fill(&m, keys, 0);
  for (auto _ : st) benchmark::DoNotOptimize(m.Sum());
  st.SetItemsProcessed(st.iterations() * n);
}

// Around n live keys: per 4 operations, 2 lookups of live keys, 1 insert of a new key,
// 1 delete of the oldest key. Keys cycle through a ring of 2n distinct keys. Each pass's
// lookups are drawn beforehand into a sequence (as LookupHit probes), untimed.
template <class M, class K>
void Churn(benchmark::State& st, size_t n) {
  auto ring = Keys<K>(2 * n, kHitSeed);
  M m;
  Fill(&m, std::vector<K>(ring.begin(), ring.begin() + n), 0);
  size_t oldest = 0, next = n;  // live keys: ring[oldest .. next) modulo 2n
  SplitMix64 g(kOrderSeed);
  std::vector<K> probe(n);
  for (auto _ : st) {
    st.PauseTiming();
    for (size_t op = 0, o = oldest, np = 0; op < n; op++) {
      if ((op & 3) < 2) probe[np++] = ring[(o + g.Next() % n) % (2 * n)];
      if ((op & 3) == 3) o++;
    }
    st.ResumeTiming();
    int64_t s = 0, v = 0;
    const K* p = probe.data();
    for (size_t op = 0; op < n; op++) {
      switch (op & 3) {
        case 0:
        case 1:
          s += m.Find(*p++, &v) ? v : 0;
          break;
        case 2:
          m.Insert(ring[next++ % (2 * n)], static_cast<int64_t>(op));
          break;
        default:
          m.Erase(ring[oldest++ % (2 * n)]);
      }
    }
    benchmark::DoNotOptimize(s);
  }
  st.SetItemsProcessed(st.iterations() * n);
}

// The slowest single insert and the 99.9th percentile while growing to n without a hint.
template <class M, class K>
void Tail(benchmark::State& st, size_t n) {
  auto keys = Keys<K>(n, kHitSeed);
  std::vector<int64_t> ns(n);
  for (auto _ : st) {
    M m;
    m.Init(0);
    for (size_t i = 0; i < n; i++) {
      auto t0 = std::chrono::steady_clock::now();
      m.Insert(keys[i], static_cast<int64_t>(i));
      ns[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now() - t0)
                  .count();
    }
  }
  std::sort(ns.begin(), ns.end());
  st.counters["max_ns"] = static_cast<double>(ns.back());
  st.counters["p999_ns"] = static_cast<double>(ns[n - 1 - n / 1000]);
}

// Bytes of anonymous memory the process mapped outside malloc: VmData (heap, private
// writable mappings) less malloc's own heap and mmap'ed chunks. gomap maps its big bucket
// arrays itself (runtime/bucket_array.cc), which glibc's accounting does not see.
size_t MappedOutsideMalloc() {
  size_t vm_data_kb = 0;
  if (FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
      if (std::sscanf(line, "VmData: %zu kB", &vm_data_kb) == 1) break;
    }
    std::fclose(f);
  }
  struct mallinfo2 mi = mallinfo2();
  size_t by_malloc = mi.arena + mi.hblkhd;
  size_t vm_data = vm_data_kb * 1024;
  return vm_data > by_malloc ? vm_data - by_malloc : 0;
}

// Bytes in use (malloc's, plus memory mapped outside malloc).
size_t BytesInUse() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd + MappedOutsideMalloc();
}

// Heap bytes per entry of a map holding n entries: glibc's own accounting of what is in
// use, plus what the map mapped itself.
template <class M, class K>
void Memory(benchmark::State& st, size_t n) {
  auto keys = Keys<K>(n, kHitSeed);
  double per = 0;
  for (auto _ : st) {
    // Memory nobody uses: glibc's free heap, gomap's cache of zeroed bucket arrays
    // (including the arrays the map grew through, which it released into that cache).
    malloc_trim(0);
    gomap::FreeOSMemory();
    size_t before = BytesInUse();
    {
      M m;
      Fill(&m, keys, 0);
      gomap::FreeOSMemory();
      size_t after = BytesInUse();
      per = static_cast<double>(after) - static_cast<double>(before);
      per /= static_cast<double>(n);
    }
  }
  st.counters["bytes_per_entry"] = per;
}

template <template <class> class M, class K>
void RegisterFor(const char* key) {
  using Fn = void (*)(benchmark::State&, size_t);
  struct W {
    const char* name;
    Fn fn;
  };
  const W workloads[] = {
      {"InsertNoHint", InsertNoHint<M<K>, K>}, {"InsertHint", InsertHint<M<K>, K>},
      {"LookupHit", LookupHit<M<K>, K>},       {"LookupMiss", LookupMiss<M<K>, K>},
      {"DeleteAll", DeleteAll<M<K>, K>},       {"IterateSum", IterateSum<M<K>, K>},
      {"Churn", Churn<M<K>, K>},
  };
  for (size_t n : {size_t{1000}, size_t{100000}, size_t{1000000}}) {
    for (const W& w : workloads) {
      std::string name = std::string(w.name) + "/" + M<K>::kName + "/" + key + "/" +
                         std::to_string(n);
      benchmark::RegisterBenchmark(name.c_str(), [fn = w.fn, n](benchmark::State& st) {
        fn(st, n);
      });
    }
  }
  std::string tail = std::string("Tail/") + M<K>::kName + "/" + key + "/1000000";
  benchmark::RegisterBenchmark(tail.c_str(), [](benchmark::State& st) {
    Tail<M<K>, K>(st, 1000000);
  })->Iterations(1);
  std::string mem = std::string("Memory/") + M<K>::kName + "/" + key + "/1000000";
  benchmark::RegisterBenchmark(mem.c_str(), [](benchmark::State& st) {
    Memory<M<K>, K>(st, 1000000);
  })->Iterations(1);
}

}  // namespace
}  // namespace gomap::bench

int main(int argc, char** argv) {
  using namespace gomap::bench;
  gomap::SeedRandom(1);
  std::printf("key digest %016llx\n", static_cast<unsigned long long>(KeyDigest()));
  RegisterFor<GomapMap, int64_t>("int64");
  RegisterFor<GomapMap, std::string>("string");
  RegisterFor<StdMap, int64_t>("int64");
  RegisterFor<StdMap, std::string>("string");
  RegisterFor<AbslMap, int64_t>("int64");
  RegisterFor<AbslMap, std::string>("string");
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
