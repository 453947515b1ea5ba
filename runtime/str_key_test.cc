// StrKey, the slot form of std::string keys in fast-string maps (str_key.h): every
// length round-trips, equality is std::string equality, the hash is DefaultHash's, long
// keys own their bytes, and a map of them stores, finds, grows and iterates exact keys.
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/internal/str_key.h"
#include "gomap/map.h"

#include "test_util.h"

namespace {

using gomap::Map;
using gomap::internal::MapPeer;
using gomap::internal::StrKey;
using gomap::testing_util::AuditClean;
using gomap::testing_util::Mix;

// n bytes of every value, NUL and 0xff included, different for different ids.
std::string Bytes(size_t n, uint64_t id) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i++) s[i] = static_cast<char>(Mix(id * 131 + i) >> 13);
  return s;
}

TEST(StrKey, ViewKeepsEveryLengthAndHashesLikeDefaultHash) {
  for (size_t n = 0; n <= 40; n++) {
    for (uint64_t id = 0; id < 20; id++) {
      std::string s = Bytes(n, id);
      StrKey k = StrKey::View(s);
      ASSERT_EQ(k.view(), s) << n;
      ASSERT_EQ(k.IsInline(), n <= StrKey::kInline);
      ASSERT_EQ(k.Hash(77), gomap::DefaultHash<std::string>()(s, 77)) << n;
      if (k.IsInline()) {
        // Padding is zero, so that equal short keys are equal words.
        for (size_t i = n; i < sizeof k.b; i++) ASSERT_EQ(k.b[i], 0) << n << " " << i;
      } else {
        ASSERT_EQ(k.data(), s.data()) << "a view borrows a long key's bytes";
      }
    }
  }
}

TEST(StrKey, EqualIsStringEquality) {
  std::vector<std::string> keys;
  for (size_t n = 0; n <= 40; n++) {
    std::string s = Bytes(n, n);
    keys.push_back(s);
    if (n > 0) {
      std::string t = s;
      t[n - 1] ^= 1;  // last byte differs
      keys.push_back(t);
      t = s;
      t[n / 2] ^= 0x80;  // a middle byte differs
      keys.push_back(t);
      keys.push_back(s.substr(0, n - 1));  // a prefix
    }
    keys.push_back(s + '\0');  // a trailing NUL is a different key
  }
  for (const std::string& a : keys) {
    for (const std::string& b : keys) {
      std::string b_copy = b;  // equal bytes, other storage
      ASSERT_EQ(StrKey::Equal(StrKey::View(a), StrKey::View(b_copy)), a == b)
          << a.size() << " " << b.size();
    }
  }
}

// The words a short lookup key is compared in (Map's lookup of keys up to 16 bytes) are
// its slot's words, and a slot matches them exactly when its key is the same string,
// whether the slot holds a short key or a long one.
TEST(StrKey, ShortWordsAreTheSlotWordsAndMatchEqualKeysOnly) {
  std::vector<std::string> keys;
  for (size_t n = 0; n <= 24; n++) {
    for (uint64_t id = 0; id < 4; id++) {
      std::string s = Bytes(n, id);
      keys.push_back(s);
      if (n > 0) {
        for (size_t i : {size_t{0}, n / 2, n - 1}) {
          std::string t = s;
          t[i] ^= 0x41;  // one byte differs: first, middle or last
          keys.push_back(t);
        }
      }
      keys.push_back(s + '\0');  // a trailing NUL is a different key
    }
  }
  for (const std::string& a : keys) {
    if (a.size() > StrKey::kInline) continue;
    const StrKey::Words w = StrKey::ShortWords(a);
    const StrKey view = StrKey::View(a);
    unsigned char want[sizeof(StrKey)];
    std::memcpy(want, &view, sizeof view);
    ASSERT_EQ(w.len, a.size());
    ASSERT_EQ(std::memcmp(&w.lo, want + 8, 8), 0) << a.size();
    ASSERT_EQ(std::memcmp(&w.hi, want + 16, 8), 0) << a.size();
    for (const std::string& b : keys) {
      alignas(StrKey) unsigned char slot[sizeof(StrKey)];
      StrKey::CopyTo(slot, StrKey::View(b));
      ASSERT_EQ(w.Matches(slot), a == b) << a.size() << " " << b.size();
      StrKey::Destroy(slot);
    }
  }
}

TEST(StrKey, CopiesOwnLongKeysAndRelocateEmptiesTheSource) {
  for (size_t n : {0, 1, 7, 8, 9, 15, 16, 17, 24, 100}) {
    alignas(StrKey) unsigned char slot[sizeof(StrKey)], moved[sizeof(StrKey)];
    {
      std::string s = Bytes(n, 5);
      StrKey::CopyTo(slot, StrKey::View(s));
      s.assign(n, 'z');  // the copy does not share the caller's bytes
    }
    StrKey k;
    std::memcpy(&k, slot, sizeof k);
    EXPECT_EQ(k.view(), Bytes(n, 5)) << n;
    StrKey::Relocate(moved, slot);
    for (unsigned char c : slot) ASSERT_EQ(c, 0) << n;
    StrKey::Destroy(slot);  // an empty key: nothing to free
    std::memcpy(&k, moved, sizeof k);
    EXPECT_EQ(k.view(), Bytes(n, 5)) << n;
    StrKey::Destroy(moved);  // the sanitizer builds catch a leak or a double free
  }
}

TEST(StrKey, StringBucketsAre272Bytes) {
  // 8 + 8*24 + 8*8 + 8: not Go's 208 (a 16-byte header pointing at shared bytes), but
  // keys of up to 16 bytes need no allocation of their own.
  auto m = Map<std::string, int64_t>::Make(0);
  EXPECT_EQ(MapPeer::Header(m)->type->bucketsize, 272u);
}

TEST(StrKey, MapOfEveryLengthStoresGrowsAndIteratesExactKeys) {
  gomap::SeedRandom(11);
  auto m = Map<std::string, int64_t>::Make(0);
  std::map<std::string, int64_t> model;
  // An iterator started early keeps the old arrays alive: evacuation then copies keys
  // (long ones into new allocations) instead of moving them.
  auto early = m.Range();
  for (int64_t i = 0; i < 3000; i++) {
    std::string k = Bytes(static_cast<size_t>(i % 41), static_cast<uint64_t>(i));
    m.Set(k, i);
    model[k] = i;
    if (i % 5 == 0) {
      std::string d = Bytes(static_cast<size_t>((i / 2) % 41), static_cast<uint64_t>(i / 2));
      m.Delete(d);
      model.erase(d);
    }
    if (i == 1500) early = m.Range();
  }
  ASSERT_EQ(m.Len(), static_cast<int64_t>(model.size()));
  for (const auto& [k, v] : model) {
    auto [got, ok] = m.Lookup(k);
    ASSERT_TRUE(ok) << k.size();
    ASSERT_EQ(got, v);
  }
  EXPECT_FALSE(m.Lookup(Bytes(40, 999999)).second);
  EXPECT_TRUE(AuditClean(m));

  std::map<std::string, int64_t> seen;
  for (auto it = m.Range(); it.Next();) {
    const std::string& k = it.Key();
    int64_t v = it.Value();
    EXPECT_EQ(k, it.Key()) << "Key() stays the same until Next()";
    ASSERT_TRUE(seen.emplace(k, v).second) << "yielded twice";
  }
  EXPECT_EQ(seen, model);

  // The early iterator yields only live keys, with their current values.
  while (early.Next()) {
    auto found = model.find(early.Key());
    ASSERT_NE(found, model.end());
    EXPECT_EQ(found->second, early.Value());
  }
  // A moved iterator keeps its place.
  auto a = m.Range();
  ASSERT_TRUE(a.Next());
  std::string first = a.Key();
  auto b = std::move(a);
  EXPECT_EQ(b.Key(), first);
}

}  // namespace
