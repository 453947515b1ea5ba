// The reference model: the Go semantics std::unordered_map lacks (NaN, +0/-0) and entry
// identity.
#include "oracle/model.h"

#include <cmath>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gomap::oracle
