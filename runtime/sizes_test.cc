// Key and value sizes (go-map-semantics §1.2, §1.3, §3.4, §3.5, §6 I12): keys and values
// up to 128 bytes live in the bucket, larger ones out of line (the slot holds a pointer);
// zero-size values take no room. Every combination must store, find, overwrite, delete,
// grow and iterate with contents intact, and must not leak or double-destroy objects.
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/map.h"

#include "test_util.h"

namespace {

using gomap::testing_util::AuditClean;
using gomap::testing_util::Mix;

using gomap::Map;
using gomap::internal::MapPeer;

// Live objects of the tracked blob types: constructions minus destructions.
int64_t g_live = 0;

// Bytes that differ for different ids (for one byte: id mod 256, a bijection on 0..255).
void FillFrom(uint64_t id, unsigned char* b, size_t n) {
  if (n == 1) {
    b[0] = static_cast<unsigned char>(id);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    b[i] = static_cast<unsigned char>(Mix(id * 1000003 + i / 8) >> (8 * (i % 8)));
  }
}

template <class T>
std::string Bytes(const T& x) {
  return std::string(reinterpret_cast<const char*>(x.b), sizeof x.b);
}

// N bytes derived from an id; Tracked adds user-defined copy, move and destructor.
template <size_t N, bool kTracked>
struct Blob {
  unsigned char b[N];
  static Blob Of(uint64_t id) {
    Blob x;
    FillFrom(id, x.b, N);
    return x;
  }
  bool operator==(const Blob& o) const { return std::memcmp(b, o.b, N) == 0; }
};
template <size_t N>
struct Blob<N, true> {
  unsigned char b[N];
  Blob() : b{} { g_live++; }
  Blob(const Blob& o) { std::memcpy(b, o.b, N), g_live++; }
  Blob(Blob&& o) noexcept { std::memcpy(b, o.b, N), g_live++; }
  Blob& operator=(const Blob& o) = default;
  Blob& operator=(Blob&& o) noexcept = default;
  ~Blob() { g_live--; }
  static Blob Of(uint64_t id) {
    Blob x;
    FillFrom(id, x.b, N);
    return x;
  }
  bool operator==(const Blob& o) const { return std::memcmp(b, o.b, N) == 0; }
};

// FNV-1a over the bytes, seeded: a user hash for the blob keys.
struct BlobHash {
  template <size_t N, bool T>
  uint64_t operator()(const Blob<N, T>& k, uint64_t seed) const {
    uint64_t h = 0xcbf29ce484222325ull ^ (seed * 0x9e3779b97f4a7c15ull);
    for (size_t i = 0; i < N; i++) h = (h ^ k.b[i]) * 0x100000001b3ull;
    return h ^ (h >> 29);
  }
};

template <size_t KN, size_t VN, bool kTracked = false>
struct Sizes {
  using K = Blob<KN, kTracked>;
  using V = Blob<VN, kTracked>;
  static constexpr size_t kKey = KN, kVal = VN;
  static constexpr bool kIsTracked = kTracked;
};

template <class C>
class SizesTyped : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(g_live, 0) << "objects leaked or destroyed twice"; }
};
using SizeConfigs = ::testing::Types<
    Sizes<1, 1>, Sizes<1, 128>, Sizes<1, 129>, Sizes<1, 1000>,             //
    Sizes<128, 1>, Sizes<128, 128>, Sizes<128, 129>, Sizes<128, 1000>,     //
    Sizes<129, 1>, Sizes<129, 128>, Sizes<129, 129>, Sizes<129, 1000>,     //
    Sizes<1000, 1>, Sizes<1000, 128>, Sizes<1000, 129>, Sizes<1000, 1000>,  //
    Sizes<1, 1000, true>, Sizes<128, 129, true>, Sizes<129, 128, true>,
    Sizes<1000, 1000, true>>;
TYPED_TEST_SUITE(SizesTyped, SizeConfigs);

TYPED_TEST(SizesTyped, LayoutStoresOver128BytesOutOfLine) {
  using C = TypeParam;
  auto m = Map<typename C::K, typename C::V, BlobHash>::Make(0);
  const gomap::internal::MapType* t = MapPeer::Header(m)->type;
  const size_t ks = C::kKey > 128 ? sizeof(void*) : C::kKey;
  const size_t vs = C::kVal > 128 ? sizeof(void*) : C::kVal;
  EXPECT_EQ(t->indirect_key(), C::kKey > 128);
  EXPECT_EQ(t->indirect_elem(), C::kVal > 128);
  EXPECT_EQ(t->keysize, ks);
  EXPECT_EQ(t->elemsize, vs);
  // Go's bucket: tophash[8] | 8 keys | 8 elems | overflow pointer, rounded to the
  // pointer size (keys of 1 byte need no padding: 8 of them make 8 bytes).
  size_t raw = 8 + 8 * ks + 8 * vs + sizeof(void*);
  EXPECT_EQ(t->bucketsize, (raw + 7) / 8 * 8);
  EXPECT_EQ(t->keyoff, 8u);
  EXPECT_EQ(t->elemoff, 8 + 8 * ks);
}

TYPED_TEST(SizesTyped, StoreFindOverwriteDeleteGrowAndIterateKeepContents) {
  using C = TypeParam;
  using K = typename C::K;
  using V = typename C::V;
  gomap::SeedRandom(C::kKey * 10000 + C::kVal);
  {
    // One-byte keys have only 256 values.
    const uint64_t n = C::kKey == 1 ? 256 : 300;
    auto id_of = [&](uint64_t i) { return C::kKey == 1 ? i : i * 3 + 1; };
    auto m = Map<K, V, BlobHash>::Make(0);
    std::map<uint64_t, uint64_t> model;  // key id -> value id
    for (uint64_t i = 0; i < n; i++) {
      m.Set(K::Of(id_of(i)), V::Of(i));
      model[i] = i;
    }
    ASSERT_EQ(m.Len(), static_cast<int64_t>(n));
    ASSERT_TRUE(AuditClean(m));
    for (uint64_t i = 0; i < n; i++) {
      auto [v, ok] = m.Lookup(K::Of(id_of(i)));
      ASSERT_TRUE(ok) << i;
      ASSERT_TRUE(v == V::Of(i)) << i;
    }
    if (C::kKey != 1) {
      EXPECT_FALSE(m.Lookup(K::Of(2)).second);
      EXPECT_TRUE(m.Get(K::Of(2)) == V()) << "a missing key reads the zero value";
    }
    // Overwrite every third, delete every fifth, while iterating (the iterator holds
    // the array, so evacuation copies rather than moves).
    int yielded = 0;
    for (auto it = m.Range(); it.Next(); yielded++) {
      if (yielded == 0) {
        for (uint64_t i = 0; i < n; i++) {
          if (i % 5 == 0) {
            m.Delete(K::Of(id_of(i)));
            model.erase(i);
          } else if (i % 3 == 0) {
            m.Set(K::Of(id_of(i)), V::Of(i + 7777));
            model[i] = i + 7777;
          }
        }
      }
    }
    EXPECT_GE(yielded, static_cast<int>(model.size()));
    ASSERT_TRUE(AuditClean(m));
    std::map<std::string, uint64_t> id_by_bytes;
    for (uint64_t i = 0; i < n; i++) id_by_bytes[Bytes(K::Of(id_of(i)))] = i;
    std::set<uint64_t> seen;
    for (auto it = m.Range(); it.Next();) {
      auto found = id_by_bytes.find(Bytes(it.Key()));
      ASSERT_NE(found, id_by_bytes.end()) << "iteration produced a key never inserted";
      uint64_t i = found->second;
      ASSERT_TRUE(model.count(i)) << "iteration produced deleted key " << i;
      EXPECT_TRUE(Bytes(it.Value()) == Bytes(V::Of(model[i]))) << "key " << i;
      EXPECT_TRUE(seen.insert(i).second);
    }
    EXPECT_EQ(seen.size(), model.size());
    ASSERT_EQ(m.Len(), static_cast<int64_t>(model.size()));
    // Grow it further without iterators (evacuation moves), then check everything.
    if (C::kKey != 1) {
      for (uint64_t i = n; i < 3 * n; i++) {
        m.Set(K::Of(id_of(i)), V::Of(i));
        model[i] = i;
      }
    }
    for (auto& [i, vid] : model) {
      auto [v, ok] = m.Lookup(K::Of(id_of(i)));
      ASSERT_TRUE(ok) << i;
      ASSERT_TRUE(v == V::Of(vid)) << i;
    }
    ASSERT_TRUE(AuditClean(m));
    // Delete everything; the map is empty and reusable.
    for (auto& [i, vid] : model) m.Delete(K::Of(id_of(i)));
    EXPECT_EQ(m.Len(), 0);
    ASSERT_TRUE(AuditClean(m));
    m.Set(K::Of(5), V::Of(5));
    EXPECT_TRUE(m.Get(K::Of(5)) == V::Of(5));
    m.Clear();
    EXPECT_EQ(m.Len(), 0);
  }
  if (C::kIsTracked) {
    EXPECT_EQ(g_live, 0);
  }
}

TYPED_TEST(SizesTyped, IteratorOutlivingGrowthsAndTheMapKeepsObjectsAlive) {
  using C = TypeParam;
  using K = typename C::K;
  using V = typename C::V;
  gomap::SeedRandom(77);
  {
    // 250 distinct keys (one-byte keys have 256): 50 at the start, 200 more grow the
    // map three times (B 3 -> 6) under the iterator, after the last handle is gone.
    std::map<std::string, uint64_t> id_by_bytes;
    for (uint64_t j = 0; j < 250; j++) id_by_bytes[Bytes(K::Of(j))] = j;
    std::set<uint64_t> seen;
    typename Map<K, V, BlobHash>::Iter it = [&] {
      auto m = Map<K, V, BlobHash>::Make(0);
      for (uint64_t i = 0; i < 50; i++) m.Set(K::Of(i), V::Of(i));
      auto i = m.Range();
      for (int s = 0; s < 10 && i.Next(); s++) seen.insert(id_by_bytes.at(Bytes(i.Key())));
      for (uint64_t j = 50; j < 250; j++) m.Set(K::Of(j), V::Of(j));
      EXPECT_EQ(m.GetStats().B, 6);
      return i;
    }();
    while (it.Next()) {
      uint64_t j = id_by_bytes.at(Bytes(it.Key()));
      EXPECT_TRUE(Bytes(it.Value()) == Bytes(V::Of(j))) << j;
      if (j < 50) {
        EXPECT_TRUE(seen.insert(j).second) << j;
      }
    }
    for (uint64_t j = 0; j < 50; j++) EXPECT_TRUE(seen.count(j)) << "original " << j << " missed";
  }
  if (C::kIsTracked) {
    EXPECT_EQ(g_live, 0);
  }
}

TEST(Sizes, BucketSizesMatchGos) {
  // go-map-semantics §1.2, read from go1.19's compiled map types.
  using Key128 = Blob<128, false>;
  using Key129 = Blob<129, false>;
  auto bucketsize = [](const auto& m) { return MapPeer::Header(m)->type->bucketsize; };
  EXPECT_EQ(bucketsize(Map<int8_t, int8_t>::Make(0)), 32u);
  EXPECT_EQ(bucketsize(Map<int64_t, int8_t>::Make(0)), 88u);
  EXPECT_EQ(bucketsize(Map<int64_t, int64_t>::Make(0)), 144u);
  EXPECT_EQ(bucketsize(Map<Key128, int64_t, BlobHash>::Make(0)), 1104u);
  EXPECT_EQ(bucketsize(Map<Key129, int64_t, BlobHash>::Make(0)), 144u);
  EXPECT_EQ(bucketsize(Map<int64_t, Blob<129, false>>::Make(0)), 144u);
}

struct Empty {
  bool operator==(const Empty&) const { return true; }
};

TEST(Sizes, ZeroSizeValuesTakeNoRoom) {
  auto m = Map<int64_t, Empty>::Make(0);
  const gomap::internal::MapType* t = MapPeer::Header(m)->type;
  EXPECT_EQ(t->elemsize, 0u);
  EXPECT_EQ(t->bucketsize, 80u);  // map[int64]struct{}
}

TEST(Sizes, ZeroSizeValuesWorkLikeASet) {
  gomap::SeedRandom(5);
  auto m = Map<int64_t, Empty>::Make(0);
  for (int64_t k = 0; k < 1000; k++) m.Set(k * 5, Empty{});
  EXPECT_EQ(m.Len(), 1000);
  for (int64_t k = 0; k < 5000; k++) EXPECT_EQ(m.Lookup(k).second, k % 5 == 0) << k;
  m.Get(3);  // zero value of a zero-size type
  std::set<int64_t> seen;
  int step = 0;
  for (auto it = m.Range(); it.Next(); step++) {
    EXPECT_TRUE(seen.insert(it.Key()).second);
    const Empty& e = it.Value();
    (void)e;
    if (step == 0) {
      for (int64_t k = 0; k < 1000; k += 2) m.Delete(k * 5);
    }
  }
  EXPECT_EQ(m.Len(), 500);
  EXPECT_TRUE(AuditClean(m));
  for (int64_t k = 0; k < 1000; k++) m.Set(k * 5, Empty{});
  EXPECT_EQ(m.Len(), 1000);
  EXPECT_TRUE(AuditClean(m));
  auto s = Map<std::string, Empty>::Make(0);
  for (int i = 0; i < 300; i++) s.Set(std::to_string(i), Empty{});
  for (int i = 0; i < 300; i += 3) s.Delete(std::to_string(i));
  EXPECT_EQ(s.Len(), 200);
  EXPECT_TRUE(s.Lookup("1").second);
  EXPECT_FALSE(s.Lookup("3").second);
  EXPECT_TRUE(AuditClean(s));
}

TEST(Sizes, StringKeysAndValuesKeepContentsAcrossGrowthAndDeletes) {
  gomap::SeedRandom(6);
  auto m = Map<std::string, std::string>::Make(0);
  std::map<std::string, std::string> model;
  for (int i = 0; i < 2000; i++) {
    std::string k = "key-" + std::to_string(i) + std::string(i % 50, 'x');
    std::string v = std::string(i % 300, static_cast<char>('a' + i % 26));
    m.Set(k, v);
    model[k] = v;
    if (i % 7 == 0) {
      std::string d = "key-" + std::to_string(i / 2) + std::string((i / 2) % 50, 'x');
      m.Delete(d);
      model.erase(d);
    }
  }
  EXPECT_EQ(m.Len(), static_cast<int64_t>(model.size()));
  for (auto& [k, v] : model) ASSERT_EQ(m.Get(k), v) << k;
  size_t n = 0;
  for (auto it = m.Range(); it.Next(); n++) ASSERT_EQ(model.at(it.Key()), it.Value());
  EXPECT_EQ(n, model.size());
  EXPECT_TRUE(AuditClean(m));
}

}  // namespace
