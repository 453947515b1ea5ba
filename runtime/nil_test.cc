// The nil map (go-map-semantics §4.5, §5; architecture "Error model"): `var m map[K]V`.
// Reads give the zero value, Len is 0, Delete and Clear do nothing, Range yields nothing;
// any write throws gomap::Panic("assignment to entry in nil map") and changes nothing.
// A Map is a handle: copies of a nil map are nil maps; copies of a made map share it.
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/map.h"

namespace {

using gomap::Map;
using gomap::internal::MapPeer;

struct Big {
  char bytes[300];
};

template <class M, class K, class V>
void ExpectPanicsOnSet(M& m, const K& k, V v) {
  try {
    m.Set(k, std::move(v));
    ADD_FAILURE() << "Set on a nil map did not throw";
  } catch (const gomap::Panic& p) {
    EXPECT_STREQ(p.what(), "assignment to entry in nil map");
  } catch (...) {
    ADD_FAILURE() << "Set on a nil map threw something other than gomap::Panic";
  }
}

TEST(NilMap, ReadsGiveTheZeroValue) {
  Map<int64_t, int64_t> a;
  EXPECT_TRUE(a.IsNil());
  EXPECT_EQ(a.Len(), 0);
  EXPECT_EQ(a.Get(1), 0);
  EXPECT_EQ(a.Lookup(1), std::make_pair(int64_t{0}, false));
  Map<std::string, std::string> b;
  EXPECT_EQ(b.Get("x"), "");
  EXPECT_FALSE(b.Lookup("x").second);
  Map<double, double> c;
  EXPECT_EQ(c.Get(std::nan("")), 0.0);
  EXPECT_FALSE(c.Lookup(-0.0).second);
  Map<int, Big> d;
  Big z = d.Get(7);
  for (char ch : z.bytes) ASSERT_EQ(ch, 0);
}

TEST(NilMap, DeleteAndClearDoNothing) {
  Map<int64_t, int64_t> m;
  m.Delete(1);
  m.Clear();
  EXPECT_TRUE(m.IsNil());
  EXPECT_EQ(m.Len(), 0);
  EXPECT_TRUE(m.Audit().empty());
  gomap::Stats s = m.GetStats();
  EXPECT_EQ(s.count, 0);
  EXPECT_EQ(s.B, 0);
  EXPECT_FALSE(s.growing);
  EXPECT_EQ(MapPeer::Flags(m), 0);
  EXPECT_EQ(MapPeer::Header(m), nullptr);
}

TEST(NilMap, RangeYieldsNothing) {
  Map<std::string, int> m;
  auto it = m.Range();
  EXPECT_FALSE(it.Next());
  EXPECT_FALSE(it.Next());
}

TEST(NilMap, SetThrowsGosPanicTextAndChangesNothing) {
  Map<int64_t, int64_t> a;
  ExpectPanicsOnSet(a, int64_t{1}, int64_t{2});
  EXPECT_TRUE(a.IsNil());
  EXPECT_EQ(a.Len(), 0);
  EXPECT_FALSE(a.Lookup(1).second);
  Map<std::string, std::string> b;
  ExpectPanicsOnSet(b, std::string("k"), std::string("v"));
  EXPECT_TRUE(b.IsNil());
  Map<double, int> c;
  ExpectPanicsOnSet(c, std::nan(""), 1);
  EXPECT_EQ(c.Len(), 0);
  Map<int, Big> d;
  ExpectPanicsOnSet(d, 1, Big{});
  EXPECT_TRUE(d.IsNil());
}

TEST(NilMap, ThePanicIsAStdRuntimeError) {
  Map<int, int> m;
  EXPECT_THROW(m.Set(1, 1), gomap::Panic);
  EXPECT_THROW(m.Set(1, 1), std::runtime_error);
}

TEST(NilMap, CopiesOfANilMapAreNil) {
  Map<int64_t, int64_t> a;
  Map<int64_t, int64_t> b = a;
  Map<int64_t, int64_t> c;
  c = b;
  Map<int64_t, int64_t> d = std::move(c);
  for (auto* m : {&a, &b, &c, &d}) {
    EXPECT_TRUE(m->IsNil());
    EXPECT_EQ(m->Len(), 0);
    ExpectPanicsOnSet(*m, int64_t{1}, int64_t{1});
  }
  // A made map assigned over an alias does not make the others non-nil.
  b = Map<int64_t, int64_t>::Make(0);
  b.Set(1, 1);
  EXPECT_FALSE(b.IsNil());
  EXPECT_TRUE(a.IsNil());
  EXPECT_TRUE(d.IsNil());
  EXPECT_EQ(a.Get(1), 0);
}

TEST(NilMap, AssigningNilOverAMadeMapDropsOnlyThatHandle) {
  gomap::SeedRandom(1);
  auto a = Map<int64_t, int64_t>::Make(0);
  a.Set(1, 10);
  Map<int64_t, int64_t> b = a;  // alias of the made map
  a = Map<int64_t, int64_t>();  // a is nil now
  EXPECT_TRUE(a.IsNil());
  EXPECT_EQ(a.Get(1), 0);
  ExpectPanicsOnSet(a, int64_t{2}, int64_t{2});
  EXPECT_FALSE(b.IsNil());
  EXPECT_EQ(b.Get(1), 10);
  EXPECT_EQ(b.Len(), 1);
}

TEST(MapHandle, CopiesShareOneTable) {
  gomap::SeedRandom(2);
  auto a = Map<std::string, int>::Make(0);
  auto b = a;
  Map<std::string, int> c;
  c = b;
  a.Set("x", 1);
  b.Set("y", 2);
  c.Delete("x");
  EXPECT_EQ(a.Len(), 1);
  EXPECT_EQ(b.Len(), 1);
  EXPECT_EQ(a.Get("y"), 2);
  EXPECT_FALSE(c.Lookup("x").second);
  for (int i = 0; i < 100; i++) c.Set(std::to_string(i), i);  // grows, seen by all
  EXPECT_EQ(a.Len(), 101);
  EXPECT_EQ(a.GetStats().B, b.GetStats().B);
  EXPECT_EQ(MapPeer::Header(a), MapPeer::Header(c));
  a.Clear();
  EXPECT_EQ(c.Len(), 0);
  EXPECT_TRUE(b.Audit().empty());
}

TEST(MapHandle, AMadeEmptyMapIsNotNil) {
  gomap::SeedRandom(3);
  auto m = Map<int, int>::Make(0);
  EXPECT_FALSE(m.IsNil());
  EXPECT_EQ(m.Len(), 0);
  EXPECT_EQ(m.Get(3), 0);
  auto it = m.Range();
  EXPECT_FALSE(it.Next());
  m.Delete(3);
  m.Clear();
  m.Set(3, 4);
  EXPECT_EQ(m.Get(3), 4);
  EXPECT_TRUE(m.Audit().empty());
}

}  // namespace
