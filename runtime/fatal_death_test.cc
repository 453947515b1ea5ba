// Misuse detection (go-map-semantics §3.3-§3.8, §5): a write concurrent with any other
// use is reported through the fatal handler with Go's exact text. MapPeer::SetWriting
// puts a map in the state a writer running on another thread leaves it in (hashWriting
// set); then
//   Set / Delete / Clear        -> "concurrent map writes"
//   Get / Lookup                -> "concurrent map read and map write"
//   Range() / Iter::Next        -> "concurrent map iteration and map write"
// The default handler prints exactly "fatal error: <msg>\n" to stderr and aborts.
// Operations that Go lets skip the check (reads, deletes and clears of an empty map)
// must not die.
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/map.h"

namespace {

using gomap::Map;
using gomap::internal::MapPeer;
using IntMap = Map<int64_t, int64_t>;
using StrMap = Map<std::string, std::string>;
using StrIntMap = Map<std::string, int>;
using DoubleMap = Map<double, int>;

// The whole of stderr must be this one line (POSIX regex: ^ and $ anchor the string).
const char kWrites[] = "^fatal error: concurrent map writes\n$";
const char kReadWrite[] = "^fatal error: concurrent map read and map write\n$";
const char kIterWrite[] = "^fatal error: concurrent map iteration and map write\n$";

IntMap Writing(int64_t n) {
  auto m = IntMap::Make(0);
  for (int64_t k = 0; k < n; k++) m.Set(k, k);
  MapPeer::SetWriting(m, true);
  return m;
}

// Key equality that, when g_racing is set, toggles that map's hashWriting bit the way a
// second writer on another thread would. It toggles only when the keys are equal, so
// exactly once per write of a present key: a slot whose tophash merely collides with the
// key's (about one hash seed in 300 for two keys in one bucket) is compared too, and a
// second toggle would set the bit again and hide the race.
gomap::internal::HMap* g_racing = nullptr;
struct RacingEq {
  bool operator()(int64_t a, int64_t b) const {
    if (g_racing && a == b) g_racing->flags.fetch_xor(gomap::internal::kFlagHashWriting);
    return a == b;
  }
};
using RacingMap = Map<int64_t, int64_t, gomap::DefaultHash<int64_t>, RacingEq>;

TEST(MapFatalDeathTest, SetWhileAnotherWriterRunsDies) {
  EXPECT_DEATH(Writing(5).Set(100, 1), kWrites);  // absent key
  EXPECT_DEATH(Writing(5).Set(3, 1), kWrites);    // overwrite
  EXPECT_DEATH(Writing(0).Set(1, 1), kWrites) << "assign always checks, even when empty";
  EXPECT_DEATH(
      {
        auto m = StrMap::Make(0);
        m.Set("a", "b");
        MapPeer::SetWriting(m, true);
        m.Set("c", "d");
      },
      kWrites);
  EXPECT_DEATH(
      {
        auto m = DoubleMap::Make(0);
        m.Set(1.0, 1);
        MapPeer::SetWriting(m, true);
        m.Set(2.0, 2);
      },
      kWrites);
}

TEST(MapFatalDeathTest, DeleteWhileAnotherWriterRunsDies) {
  EXPECT_DEATH(Writing(5).Delete(3), kWrites);    // present
  EXPECT_DEATH(Writing(5).Delete(100), kWrites);  // absent, map not empty
  EXPECT_DEATH(
      {
        auto m = StrIntMap::Make(0);
        m.Set("x", 1);
        MapPeer::SetWriting(m, true);
        m.Delete("y");
      },
      kWrites);
}

TEST(MapFatalDeathTest, ClearWhileAnotherWriterRunsDies) {
  EXPECT_DEATH(Writing(5).Clear(), kWrites);
  EXPECT_DEATH(Writing(300).Clear(), kWrites);
}

TEST(MapFatalDeathTest, ReadsWhileAWriterRunsDie) {
  EXPECT_DEATH(Writing(5).Get(3), kReadWrite);
  EXPECT_DEATH(Writing(5).Get(100), kReadWrite);
  EXPECT_DEATH(Writing(5).Lookup(3), kReadWrite);
  EXPECT_DEATH(Writing(200).Lookup(-1), kReadWrite);
  EXPECT_DEATH(
      {
        auto m = StrIntMap::Make(0);
        m.Set("x", 1);
        MapPeer::SetWriting(m, true);
        m.Lookup("x");
      },
      kReadWrite);
  EXPECT_DEATH(
      {
        auto m = DoubleMap::Make(0);
        m.Set(0.5, 1);
        MapPeer::SetWriting(m, true);
        m.Get(0.5);
      },
      kReadWrite);
}

TEST(MapFatalDeathTest, IterationWhileAWriterRunsDies) {
  // Go's range statement checks when it takes its first entry: here, the first Next().
  EXPECT_DEATH(
      {
        auto it = Writing(5).Range();
        it.Next();
      },
      kIterWrite);
  EXPECT_DEATH(
      {
        auto m = IntMap::Make(0);
        for (int64_t k = 0; k < 100; k++) m.Set(k, k);
        auto it = m.Range();
        it.Next();
        it.Next();
        MapPeer::SetWriting(m, true);
        it.Next();
      },
      kIterWrite);
  EXPECT_DEATH(
      {
        // An iterator begun before a grow, stepping through the old array.
        auto m = IntMap::Make(0);
        for (int64_t k = 0; k < 100; k++) m.Set(k, k);
        auto it = m.Range();
        it.Next();
        for (int64_t k = 100; k < 1000; k++) m.Set(k, k);
        MapPeer::SetWriting(m, true);
        while (it.Next()) {
        }
      },
      kIterWrite);
}

TEST(MapFatalDeathTest, TheFirstNextAfterRangeChecksForAWriter) {
  // Range() begins the loop; a writer that starts before the first Next() is caught
  // by that Next(), as by every later one.
  EXPECT_DEATH(
      {
        auto m = IntMap::Make(0);
        for (int64_t k = 0; k < 10; k++) m.Set(k, k);
        auto it = m.Range();
        MapPeer::SetWriting(m, true);
        it.Next();
      },
      kIterWrite);
}

TEST(MapFatalDeathTest, AWriterThatFindsItsFlagGoneAtExitDies) {
  // Two racing writers toggle hashWriting with XOR; the one that finds it cleared when
  // it finishes reports it (Go's check at the end of mapassign and mapdelete). The key
  // equality, called mid-write, plays the other writer.
  EXPECT_DEATH(
      {
        auto m = RacingMap::Make(0);
        m.Set(1, 1);
        g_racing = MapPeer::Header(m);
        m.Set(1, 2);  // overwrite: equality is called after the flag is taken
      },
      kWrites);
  EXPECT_DEATH(
      {
        auto m = RacingMap::Make(0);
        m.Set(1, 1);
        m.Set(2, 2);
        g_racing = MapPeer::Header(m);
        m.Delete(2);
      },
      kWrites);
}

// A handler that reports its message and exits with a recognisable status.
void ExitingHandler(const char* msg) {
  std::fprintf(stderr, "custom: %s\n", msg);
  std::fflush(stderr);
  _exit(7);
}

TEST(MapFatalDeathTest, ACustomHandlerReceivesGosMessage) {
  EXPECT_EXIT(
      {
        gomap::SetFatalHandler(&ExitingHandler);
        Writing(3).Set(9, 9);
      },
      ::testing::ExitedWithCode(7), "^custom: concurrent map writes\n$");
  EXPECT_EXIT(
      {
        gomap::SetFatalHandler(&ExitingHandler);
        Writing(3).Get(1);
      },
      ::testing::ExitedWithCode(7), "^custom: concurrent map read and map write\n$");
  EXPECT_EXIT(
      {
        gomap::SetFatalHandler(&ExitingHandler);
        auto m = IntMap::Make(0);
        m.Set(1, 1);
        m.Set(2, 2);
        auto it = m.Range();
        it.Next();
        MapPeer::SetWriting(m, true);
        it.Next();
      },
      ::testing::ExitedWithCode(7), "^custom: concurrent map iteration and map write\n$");
}

void ReturningHandler(const char* msg) {
  std::fprintf(stderr, "returning: %s\n", msg);
  std::fflush(stderr);
}

TEST(MapFatalDeathTest, AHandlerThatReturnsStillAborts) {
  EXPECT_EXIT(
      {
        gomap::SetFatalHandler(&ReturningHandler);
        Writing(3).Delete(1);
      },
      ::testing::KilledBySignal(SIGABRT), "^returning: concurrent map writes\n$");
}

TEST(MapFatalDeathTest, TheDefaultHandlerAborts) {
  EXPECT_EXIT(Writing(3).Set(1, 1), ::testing::KilledBySignal(SIGABRT), kWrites);
}

// ---- no death -------------------------------------------------------------------

struct FatalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void ThrowingHandler(const char* msg) { throw FatalError(msg); }

// Installs ThrowingHandler for the scope, restoring the previous handler after.
class ThrowingFatal {
 public:
  ThrowingFatal() : prev_(gomap::SetFatalHandler(&ThrowingHandler)) {}
  ~ThrowingFatal() { gomap::SetFatalHandler(prev_); }

 private:
  gomap::FatalHandler prev_;
};

std::string FatalMessageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const FatalError& e) {
    return e.what();
  }
  return "(no fatal error)";
}

TEST(FatalHandler, SetFatalHandlerReturnsThePreviousOne) {
  gomap::FatalHandler original = gomap::SetFatalHandler(&ThrowingHandler);
  EXPECT_NE(original, nullptr);
  EXPECT_EQ(gomap::SetFatalHandler(&ReturningHandler), &ThrowingHandler);
  EXPECT_EQ(gomap::SetFatalHandler(original), &ReturningHandler);
}

TEST(FatalHandler, AThrowingHandlerSeesEachOfGosMessages) {
  ThrowingFatal handler;
  gomap::SeedRandom(1);
  auto m = IntMap::Make(0);
  for (int64_t k = 0; k < 50; k++) m.Set(k, k);
  auto it = m.Range();
  ASSERT_TRUE(it.Next());
  MapPeer::SetWriting(m, true);
  EXPECT_EQ(FatalMessageOf([&] { m.Set(1, 2); }), "concurrent map writes");
  EXPECT_EQ(FatalMessageOf([&] { m.Set(1000, 2); }), "concurrent map writes");
  EXPECT_EQ(FatalMessageOf([&] { m.Delete(1); }), "concurrent map writes");
  EXPECT_EQ(FatalMessageOf([&] { m.Clear(); }), "concurrent map writes");
  EXPECT_EQ(FatalMessageOf([&] { m.Get(1); }), "concurrent map read and map write");
  EXPECT_EQ(FatalMessageOf([&] { m.Lookup(1); }), "concurrent map read and map write");
  EXPECT_EQ(FatalMessageOf([&] { it.Next(); }), "concurrent map iteration and map write");
  // The checks come before any change (go-map-semantics §3.4: check, hash, then toggle).
  MapPeer::SetWriting(m, false);
  EXPECT_EQ(m.Len(), 50);
  EXPECT_EQ(m.Get(1), 1);
  EXPECT_FALSE(m.Lookup(1000).second);
  EXPECT_TRUE(m.Audit().empty());
}

TEST(FatalHandler, AnIterationStoppedByAThrowingHandlerReleasesTheMap) {
  // When the handler throws out of Next(), the iterator can still be destroyed, and
  // then holds no reference to the table or its bucket arrays.
  ThrowingFatal handler;
  gomap::SeedRandom(4);
  auto m = IntMap::Make(0);
  for (int64_t k = 0; k < 50; k++) m.Set(k, k);
  ASSERT_EQ(MapPeer::Header(m)->refs.load(), 1);
  for (int steps : {0, 1, 20}) {
    {
      auto it = m.Range();
      for (int i = 0; i < steps; i++) ASSERT_TRUE(it.Next());
      MapPeer::SetWriting(m, true);
      EXPECT_EQ(FatalMessageOf([&] { it.Next(); }), "concurrent map iteration and map write");
      MapPeer::SetWriting(m, false);
    }
    EXPECT_EQ(MapPeer::Header(m)->refs.load(), 1) << "after " << steps << " steps";
  }
  EXPECT_TRUE(m.Audit().empty());
}

TEST(FatalHandler, EmptyMapReadsDeletesAndClearsSkipTheCheck) {
  // Go returns early for an empty map in mapaccess, mapdelete and mapclear, before the
  // hashWriting check; ranging over it does nothing (§3.3, §3.5, §3.8, §7 item 25).
  ThrowingFatal handler;
  gomap::SeedRandom(2);
  auto m = IntMap::Make(100);
  MapPeer::SetWriting(m, true);
  EXPECT_EQ(FatalMessageOf([&] { EXPECT_EQ(m.Get(1), 0); }), "(no fatal error)");
  EXPECT_EQ(FatalMessageOf([&] { EXPECT_FALSE(m.Lookup(1).second); }), "(no fatal error)");
  EXPECT_EQ(FatalMessageOf([&] { m.Delete(1); }), "(no fatal error)");
  EXPECT_EQ(FatalMessageOf([&] { m.Clear(); }), "(no fatal error)");
  EXPECT_EQ(FatalMessageOf([&] {
              auto it = m.Range();
              EXPECT_FALSE(it.Next());
            }),
            "(no fatal error)");
  EXPECT_EQ(FatalMessageOf([&] { m.Set(1, 1); }), "concurrent map writes");
  MapPeer::SetWriting(m, false);
  EXPECT_EQ(m.Len(), 0);
  m.Set(1, 1);
  EXPECT_EQ(m.Get(1), 1);
}

TEST(FatalHandler, AWriterFindingItsFlagClearedAtExitReportsConcurrentWrites) {
  ThrowingFatal handler;
  gomap::SeedRandom(3);
  auto m = RacingMap::Make(0);
  m.Set(1, 1);
  m.Set(2, 2);
  g_racing = MapPeer::Header(m);
  EXPECT_EQ(FatalMessageOf([&] { m.Set(1, 10); }), "concurrent map writes");  // overwrite
  EXPECT_EQ(FatalMessageOf([&] { m.Delete(2); }), "concurrent map writes");
  g_racing = nullptr;
  // Both writes were done; the check at their end found the flag gone.
  EXPECT_EQ(MapPeer::Flags(m) & gomap::internal::kFlagHashWriting, 0);
  EXPECT_EQ(m.Len(), 1);
  EXPECT_EQ(m.Get(1), 10);
  EXPECT_FALSE(m.Lookup(2).second);
  EXPECT_TRUE(m.Audit().empty());
}

TEST(FatalHandler, TheRaceIsReportedWhateverTheKeysTophashes) {
  // Over many hash seeds the two keys sometimes share a tophash, so a write compares
  // both; the report must not depend on that.
  ThrowingFatal handler;
  for (uint64_t seed = 0; seed < 1000; seed++) {
    gomap::SeedRandom(seed);
    auto m = RacingMap::Make(0);
    m.Set(1, 1);
    m.Set(2, 2);
    g_racing = MapPeer::Header(m);
    EXPECT_EQ(FatalMessageOf([&] { m.Set(2, 20); }), "concurrent map writes") << seed;
    EXPECT_EQ(FatalMessageOf([&] { m.Delete(2); }), "concurrent map writes") << seed;
    g_racing = nullptr;
  }
}

}  // namespace
