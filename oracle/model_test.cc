// The reference model: the Go semantics std::unordered_map lacks (NaN, +0/-0) and entry
// identity.
#include "oracle/model.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "gomap/internal/sanitizers.h"
#include "oracle/literals.h"

namespace gomap::oracle {
namespace {

TEST(ModelTable, NaNKeysAreNewEntriesThatNoLookupOrDeleteReaches) {
  ModelTable<double, int64_t> m;
  EXPECT_TRUE(m.Set(GoNaN(), 1));
  EXPECT_TRUE(m.Set(GoNaN(), 1));
  EXPECT_EQ(m.Len(), 2);
  EXPECT_EQ(m.Find(GoNaN()), nullptr);
  m.Delete(GoNaN());
  EXPECT_EQ(m.Len(), 2);
  EXPECT_NE(m.nans()[0].id, m.nans()[1].id);
  m.Clear();
  EXPECT_EQ(m.Len(), 0);
}

TEST(ModelTable, PlusAndMinusZeroAreOneKeyWhoseStoredSignFollowsTheLastSet) {
  ModelTable<double, int64_t> m;
  EXPECT_TRUE(m.Set(0.0, 1));
  uint64_t id = m.Find(-0.0)->id;
  EXPECT_FALSE(m.Set(-0.0, 2));
  EXPECT_EQ(m.Len(), 1);
  EXPECT_TRUE(std::signbit(m.Find(0.0)->key));
  EXPECT_EQ(m.Find(0.0)->value, 2);
  EXPECT_EQ(m.Find(0.0)->id, id);  // an overwrite is the same entry
  m.Delete(0.0);
  EXPECT_EQ(m.Len(), 0);
  EXPECT_TRUE(m.Set(-0.0, 3));
  EXPECT_NE(m.Find(0.0)->id, id);  // deleted and re-inserted: a new entry
}

TEST(ModelTable, ForEachVisitsEveryEntryOnce) {
  ModelTable<std::string, Empty> m;
  m.Set("a", {});
  m.Set("b", {});
  m.Set("a", {});
  int n = 0;
  m.ForEach([&](const auto&) { ++n; });
  EXPECT_EQ(n, 2);
}

// The models' pool (model_alloc.h): containers using it copy and move like any others,
// and their nodes may be freed by a thread other than the one that allocated them.
TEST(ModelAllocator, TablesCopyMoveAndOutliveEachOther) {
  auto key = [](int i) { return "a key longer than the small-string buffer " + std::to_string(i); };
  std::optional<ModelTable<std::string, int64_t>> a(std::in_place);
  for (int i = 0; i < 100; ++i) a->Set(key(i), i);
  ModelTable<std::string, int64_t> copy = *a;
  ModelTable<std::string, int64_t> moved = std::move(*a);
  a.reset();
  copy.Delete(key(7));
  EXPECT_EQ(copy.Len(), 99);
  EXPECT_EQ(moved.Len(), 100);
  for (int i = 0; i < 100; ++i) {
    const auto* e = moved.Find(key(i));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->value, i);
    EXPECT_EQ(e->id, static_cast<uint64_t>(i + 1));
  }
  EXPECT_EQ(copy.next_id(), moved.next_id());
}

TEST(ModelAllocator, NodesMayBeFreedOnAnotherThread) {
  for (int round = 0; round < 4; ++round) {
    ModelTable<int64_t, int64_t> table;
    std::thread([&] {
      for (int64_t k = 0; k < 2000; ++k) table.Set(k, k * 3);
    }).join();
    ModelTable<int64_t, int64_t> other;
    std::thread reuse([&] {
      for (int64_t k = 0; k < 2000; ++k) other.Set(-k, k);
    });
    table.Clear();  // frees here what the first thread allocated, while `reuse` allocates
    reuse.join();
    EXPECT_EQ(table.Len(), 0);
    EXPECT_EQ(other.Len(), 2000);
    EXPECT_EQ(other.Find(-1999)->value, 1999);
  }
}

TEST(ModelAllocator, ABlockInThePoolIsPoisonedUnderAddressSanitizer) {
#if defined(GOMAP_ASAN) && defined(GOMAP_MODEL_POOL)
  struct Node {
    int64_t words[6];
  };
  ModelAllocator<Node> alloc;
  Node* p = alloc.allocate(1);
  EXPECT_EQ(__asan_region_is_poisoned(p, sizeof(Node)), nullptr);
  p->words[5] = 1;
  alloc.deallocate(p, 1);
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(__asan_address_is_poisoned(&p->words[i])) << i;
  Node* q = alloc.allocate(1);  // whichever block it is, all of it is usable
  EXPECT_EQ(__asan_region_is_poisoned(q, sizeof(Node)), nullptr);
  alloc.deallocate(q, 1);
#else
  GTEST_SKIP() << "checks AddressSanitizer's poisoning of the pool; runs in the asan preset";
#endif
}

}  // namespace
}  // namespace gomap::oracle
