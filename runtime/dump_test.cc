// Dump(): the layout text reports and failing tests print. One line per bucket chain,
// one token per slot: R emptyRest, E emptyOne, X/Y evacuatedX/Y, e evacuatedEmpty,
// <tophash in two hex digits>:<key> for a full slot.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "gomap/internal/bucket_scan.h"
#include "gomap/internal/peer.h"
#include "gomap/map.h"

namespace {

using gomap::Map;
using gomap::internal::MapPeer;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The token Dump writes for a full slot holding k.
template <class K, class V>
std::string FullToken(const Map<K, V>& m, const K& k, const std::string& key_text) {
  const uint64_t hash = gomap::DefaultHash<K>()(k, MapPeer::Header(m)->hash0);
  char hex[3];
  std::snprintf(hex, sizeof hex, "%02x", gomap::internal::TopHash(hash));
  return std::string(" ") + hex + ":" + key_text;
}

TEST(Dump, OneBucketShowsFullSlotsAsTophashAndKeyThenEmptyRest) {
  gomap::SeedRandom(1);
  auto m = Map<int64_t, int64_t>::Make();
  m.Set(7, 1);
  m.Set(-300, 2);
  std::vector<std::string> lines = Lines(m.Dump());
  ASSERT_EQ(lines.size(), 3u) << m.Dump();
  EXPECT_TRUE(lines[0].starts_with("map: count=2 B=0 flags=0 noverflow=0 hash0=")) << lines[0];
  EXPECT_EQ(lines[1], "buckets (1 buckets):");
  EXPECT_EQ(lines[2], "  [0]" + FullToken(m, int64_t{7}, "7") +
                          FullToken(m, int64_t{-300}, "-300") + " R R R R R R");
}

TEST(Dump, DeletedSlotBeforeALiveOneIsEmptyOne) {
  gomap::SeedRandom(2);
  auto m = Map<int64_t, int64_t>::Make();
  m.Set(1, 1);
  m.Set(2, 2);
  m.Delete(1);
  std::vector<std::string> lines = Lines(m.Dump());
  ASSERT_EQ(lines.size(), 3u) << m.Dump();
  EXPECT_EQ(lines[2], "  [0] E" + FullToken(m, int64_t{2}, "2") + " R R R R R R");
}

TEST(Dump, StringKeysAreQuoted) {
  gomap::SeedRandom(3);
  auto m = Map<std::string, int64_t>::Make();
  m.Set("ab", 1);
  std::vector<std::string> lines = Lines(m.Dump());
  ASSERT_EQ(lines.size(), 3u) << m.Dump();
  EXPECT_EQ(lines[2], "  [0]" + FullToken(m, std::string("ab"), "\"ab\"") + " R R R R R R R");
}

}  // namespace
