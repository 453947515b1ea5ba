// Concurrent misuse: Go's three fatal errors (go-map-semantics §5).
//
// Like Go since 1.6, gomap detects concurrent misuse of a map *on a best-effort basis*:
// if one thread writes a map, no other thread may read, iterate or write it at the same
// time; when the runtime notices, it reports "fatal error: <msg>" and aborts (the fatal
// handler, see map.h). The check is Go's: the hashWriting bit of the atomic flags word is
// tested on entry to every operation on a non-empty map, and a writer also checks at exit
// that the bit it set is still there (writers toggle it with XOR, so two racing writers
// cancel out and the first to finish notices). Nothing else is synchronised, so a race can
// go unnoticed, or corrupt the map before it is noticed; reads and deletes on an empty map
// skip the check entirely. As Go's release notes put it, the race detector (here
// ThreadSanitizer) identifies such races more reliably and with more detail.
//
// Two kinds of tests:
//   - Deterministic: the map is put in the state another thread's writer leaves it in
//     (MapPeer::SetWriting, the test-only door) and one operation is run; it must die
//     with Go's exact text. Every key kind (fast32, fast64, faststr, generic) and every
//     entry point, plus the writer's exit check and the empty-map exemptions.
//   - Stress: real threads racing in a child process, repeated; the fraction of trials
//     that die with the right text within a bounded number of operations is measured and
//     must stay above a floor. The child's threads are genuinely racing on the map's plain
//     fields; under ThreadSanitizer they run with memory-access reporting ignored (that
//     misuse is the point of the test), so only the runtime's own verdict is observed.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/internal/sanitizers.h"
#include "gomap/map.h"

#if GOMAP_TSAN
// ThreadSanitizer's dynamic annotations: stop recording (and so reporting) the calling
// thread's memory accesses.
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreWritesBegin(const char* file, int line);
#endif

namespace {

using gomap::internal::MapPeer;

constexpr char kWrites[] = "concurrent map writes";
constexpr char kReadWrite[] = "concurrent map read and map write";
constexpr char kIterWrite[] = "concurrent map iteration and map write";

std::string FatalLine(const char* msg) { return std::string("fatal error: ") + msg; }

// ---- deterministic: one operation against a map another writer is inside --------

// A value for key i of each key type.
template <class K>
K KeyOf(int i) {
  if constexpr (std::is_same_v<K, std::string>) {
    return "key-" + std::to_string(i);
  } else {
    return static_cast<K>(i);
  }
}

template <class K>
class MisuseDeath : public ::testing::Test {
 protected:
  using M = gomap::Map<K, int>;
  void SetUp() override {
    // Re-executes the binary for each death statement: safe with sanitizer threads.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    m_ = M::Make();
    for (int i = 0; i < 20; i++) m_.Set(KeyOf<K>(i), i);  // grown past B = 0
  }
  // What another thread's Set/Delete/Clear leaves behind while it runs.
  void AnotherWriterIsInside() { MapPeer::SetWriting(m_, true); }
  M m_;
};

// One key type per entry-point family: fast32, fast64, faststr, generic (floats).
using KeyKinds = ::testing::Types<int32_t, int64_t, std::string, double>;
TYPED_TEST_SUITE(MisuseDeath, KeyKinds);

TYPED_TEST(MisuseDeath, WritesDieWithConcurrentMapWrites) {
  using K = TypeParam;
  const std::string want = FatalLine(kWrites);
  this->AnotherWriterIsInside();
  EXPECT_DEATH(this->m_.Set(KeyOf<K>(100), 1), want) << "insert";
  EXPECT_DEATH(this->m_.Set(KeyOf<K>(3), 1), want) << "overwrite";
  EXPECT_DEATH(this->m_.Delete(KeyOf<K>(3)), want) << "delete of a present key";
  EXPECT_DEATH(this->m_.Delete(KeyOf<K>(100)), want) << "delete of an absent key";
  EXPECT_DEATH(this->m_.Clear(), want) << "clear";
}

TYPED_TEST(MisuseDeath, ReadsDieWithConcurrentMapReadAndMapWrite) {
  using K = TypeParam;
  const std::string want = FatalLine(kReadWrite);
  this->AnotherWriterIsInside();
  EXPECT_DEATH((void)this->m_.Get(KeyOf<K>(3)), want) << "Get of a present key";
  EXPECT_DEATH((void)this->m_.Get(KeyOf<K>(100)), want) << "Get of an absent key";
  EXPECT_DEATH((void)this->m_.Lookup(KeyOf<K>(3)), want) << "Lookup of a present key";
  EXPECT_DEATH((void)this->m_.Lookup(KeyOf<K>(100)), want) << "Lookup of an absent key";
}

TYPED_TEST(MisuseDeath, IterationDiesWithConcurrentMapIterationAndMapWrite) {
  const std::string want = FatalLine(kIterWrite);
  // An iteration already under way takes its next step while a writer is inside.
  auto it = this->m_.Range();
  ASSERT_TRUE(it.Next());
  ASSERT_TRUE(it.Next());
  this->AnotherWriterIsInside();
  EXPECT_DEATH(it.Next(), want) << "Next";
  // A fresh one: its first step makes the same check.
  EXPECT_DEATH(
      {
        auto fresh = this->m_.Range();
        fresh.Next();
      },
      want)
      << "Range, then the first Next";
}

// Mid-growth the same entry checks apply (the writer protocol does not depend on the
// table's shape), including the iterator that walks old buckets.
TYPED_TEST(MisuseDeath, ChecksHoldWhileGrowing) {
  using K = TypeParam;
  auto m = TestFixture::M::Make();
  int i = 0;
  for (; !m.GetStats().growing || m.GetStats().B < 5; i++) m.Set(KeyOf<K>(i), i);
  auto it = m.Range();
  ASSERT_TRUE(it.Next());
  MapPeer::SetWriting(m, true);
  EXPECT_DEATH(m.Set(KeyOf<K>(i + 1), 1), FatalLine(kWrites));
  EXPECT_DEATH(m.Delete(KeyOf<K>(0)), FatalLine(kWrites));
  EXPECT_DEATH((void)m.Get(KeyOf<K>(0)), FatalLine(kReadWrite));
  EXPECT_DEATH(it.Next(), FatalLine(kIterWrite));
}

// Go skips the check where there is nothing to read (§3.3, §3.5, §3.8): lookups, deletes,
// clears and ranges of an empty map return at once. Part of "best effort".
TYPED_TEST(MisuseDeath, EmptyMapReadsAndDeletesAreNotChecked) {
  using K = TypeParam;
  auto m = TestFixture::M::Make();
  MapPeer::SetWriting(m, true);
  EXPECT_EQ(m.Get(KeyOf<K>(1)), 0);
  EXPECT_FALSE(m.Lookup(KeyOf<K>(1)).second);
  m.Delete(KeyOf<K>(1));
  m.Clear();
  auto it = m.Range();
  EXPECT_FALSE(it.Next());
  // An emptied map too (count 0 with buckets allocated).
  MapPeer::SetWriting(m, false);
  for (int i = 0; i < 50; i++) m.Set(KeyOf<K>(i), i);
  for (int i = 0; i < 50; i++) m.Delete(KeyOf<K>(i));
  MapPeer::SetWriting(m, true);
  EXPECT_EQ(m.Get(KeyOf<K>(1)), 0);
  m.Delete(KeyOf<K>(1));
  MapPeer::SetWriting(m, false);
  EXPECT_EQ(m.Len(), 0);
}

// The writer's exit check: a second writer that toggled the bit while the first was
// inside leaves it clear, and the first notices when it finishes. The second writer is
// played by the key equality, which runs inside the first writer's critical section.
struct ExitCheck {
  static inline std::function<void()> during_eq;
};
struct HookedEq {
  bool operator()(int64_t a, int64_t b) const {
    if (ExitCheck::during_eq) ExitCheck::during_eq();
    return a == b;
  }
};

TEST(MisuseDeathExit, WriterNoticesAtExitThatItsBitWasToggled) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  using M = gomap::Map<int64_t, int64_t, gomap::DefaultHash<int64_t>, HookedEq>;
  M m = M::Make();
  for (int64_t i = 0; i < 5; i++) m.Set(i, i);
  ExitCheck::during_eq = [&] { MapPeer::SetWriting(m, false); };  // the other XOR
  EXPECT_DEATH(m.Set(3, 30), FatalLine(kWrites)) << "overwrite";
  EXPECT_DEATH(m.Delete(3), FatalLine(kWrites)) << "delete";
  ExitCheck::during_eq = nullptr;
}

// The handler receives exactly Go's message (no prefix): checked in-process with a
// handler that throws, which the header allows (the map must not be used afterwards,
// only destroyed).
struct FatalSeen : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void ThrowingHandler(const char* msg) { throw FatalSeen(msg); }

template <class Fn>
std::string FatalMessageOf(Fn fn) {
  gomap::FatalHandler prev = gomap::SetFatalHandler(&ThrowingHandler);
  std::string got = "(no fatal error)";
  try {
    fn();
  } catch (const FatalSeen& e) {
    got = e.what();
  }
  gomap::SetFatalHandler(prev);
  return got;
}

TEST(MisuseDeathHandler, HandlerGetsGoText) {
  using M = gomap::Map<int64_t, int64_t>;
  auto busy = [] {
    M m = M::Make();
    for (int i = 0; i < 10; i++) m.Set(i, i);
    MapPeer::SetWriting(m, true);
    return m;
  };
  EXPECT_EQ(FatalMessageOf([&] { busy().Set(1, 2); }), kWrites);
  EXPECT_EQ(FatalMessageOf([&] { busy().Delete(1); }), kWrites);
  EXPECT_EQ(FatalMessageOf([&] { busy().Clear(); }), kWrites);
  EXPECT_EQ(FatalMessageOf([&] { (void)busy().Get(1); }), kReadWrite);
  EXPECT_EQ(FatalMessageOf([&] { (void)busy().Lookup(1); }), kReadWrite);
  EXPECT_EQ(FatalMessageOf([&] {
              M m = M::Make();
              for (int i = 0; i < 10; i++) m.Set(i, i);
              auto it = m.Range();
              it.Next();
              MapPeer::SetWriting(m, true);
              it.Next();  // the next step checks
            }),
            kIterWrite);
}

// ---- stress: real threads, in a child process, many times ------------------------

enum class Outcome { kDetected, kUndetected, kWrongText, kOther };

struct Trial {
  Outcome outcome;
  std::string detail;  // stderr and status, for anything but kDetected/kUndetected
};

// Runs body() in a forked child whose stderr is captured. The child exits 0 if body()
// returns (the race went unnoticed within its budget); the default fatal handler aborts.
Trial RunInChild(const std::function<void()>& body, const char* want) {
  int fds[2];
  if (pipe(fds) != 0) return {Outcome::kOther, std::string("pipe: ") + std::strerror(errno)};
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return {Outcome::kOther, std::string("fork: ") + std::strerror(errno)};
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);  // aborts are the expected outcome
    gomap::SetFatalHandler(nullptr);   // the default: print Go's line, abort
    body();
    std::fflush(stderr);
    _exit(0);
  }
  close(fds[1]);
  std::string err;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      err.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  bool aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  std::string how = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                      : "signal " + std::to_string(WTERMSIG(status));
  if (aborted && err.find(FatalLine(want) + "\n") != std::string::npos) {
    return {Outcome::kDetected, ""};
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && err.empty()) {
    return {Outcome::kUndetected, ""};
  }
  if (err.find("fatal error: concurrent map") != std::string::npos) {
    return {Outcome::kWrongText, how + ": " + err.substr(0, 400)};
  }
  return {Outcome::kOther, how + ": " + err.substr(0, 400)};
}

// Starts two threads that begin together and runs a and b on them.
void Race(const std::function<void()>& a, const std::function<void()>& b) {
  std::atomic<int> ready{0};
  auto wrap = [&](const std::function<void()>& fn) {
    return std::thread([&ready, &fn] {
#if GOMAP_TSAN
      // This thread races on purpose; what is tested is the runtime's own verdict.
      AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
      AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
#endif
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      fn();
    });
  };
  std::thread ta = wrap(a);
  std::thread tb = wrap(b);
  ta.join();
  tb.join();
}

// Operations per racing thread before a trial counts as undetected.
constexpr int kOpsPerThread = 1 << 20;
constexpr int kTrials = 24;

using IntMap = gomap::Map<int64_t, int64_t>;

// A map sized so that the churn below never grows it: the racing threads then only ever
// touch one bucket array, so an unnoticed race corrupts slots, not memory ownership.
IntMap StressMap() {
  IntMap m = IntMap::Make(4096);
  for (int64_t k = 10000; k < 10100; k++) m.Set(k, k);  // never deleted: count > 0
  return m;
}

// A writer thread's loop: inserts, overwrites and deletes over a small key range.
void Churn(IntMap& m, uint64_t seed) {
  uint64_t x = seed;
  for (int n = 0; n < kOpsPerThread; n++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    int64_t k = static_cast<int64_t>((x >> 33) % 1024);
    if (n & 1) {
      m.Delete(k);
    } else {
      m.Set(k, n);
    }
  }
}

struct Rate {
  int detected = 0, undetected = 0, wrong = 0, other = 0;
  std::vector<std::string> details;
  double Detected() const { return static_cast<double>(detected) / kTrials; }
};

Rate Measure(const std::function<void()>& body, const char* want) {
  Rate r;
  for (int t = 0; t < kTrials; t++) {
    Trial trial = RunInChild(body, want);
    switch (trial.outcome) {
      case Outcome::kDetected:
        r.detected++;
        break;
      case Outcome::kUndetected:
        r.undetected++;
        break;
      case Outcome::kWrongText:
        r.wrong++;
        r.details.push_back(trial.detail);
        break;
      case Outcome::kOther:
        r.other++;
        r.details.push_back(trial.detail);
        break;
    }
  }
  std::printf("[ rate     ] %s: detected %d/%d, undetected %d, wrong text %d, other %d\n", want,
              r.detected, kTrials, r.undetected, r.wrong, r.other);
  for (const auto& d : r.details) std::printf("[ rate     ]   %s\n", d.c_str());
  return r;
}

// The floor for every stress scenario. Measured rates are in the comments beside each
// test; the floor is far below them so that a loaded machine (where the two threads may
// rarely run at the same instant) does not make the test flaky, yet a runtime that
// stopped checking (rate 0) fails.
constexpr double kMinDetectionRate = 0.5;

// Two writers. Measured detection rate (2-core machine, 4 runs of 24 trials per build):
// release 96/96, asan 96/96, tsan 96/96; with the whole process pinned to one core
// (taskset -c 0), 24/24 in each build. No wrong text, no other outcome.
TEST(MisuseStress, TwoWritersDieWithConcurrentMapWrites) {
  Rate r = Measure(
      [] {
        IntMap m = StressMap();
        Race([&] { Churn(m, 1); }, [&] { Churn(m, 2); });
      },
      kWrites);
  EXPECT_EQ(r.wrong, 0) << "two writers can only be caught as concurrent map writes";
  EXPECT_GE(r.Detected(), kMinDetectionRate);
}

// A reader against a writer: only the reader checks, so only its text can appear.
// Measured detection rate (2-core machine, 4 runs of 24 trials per build): release 93/96
// (the rest ran their 2^20 reads unnoticed), asan 96/96, tsan 96/96; pinned to one core:
// release 22/24, asan 24/24, tsan 24/24. No wrong text, no other outcome.
TEST(MisuseStress, ReaderAgainstWriterDiesWithConcurrentMapReadAndMapWrite) {
  Rate r = Measure(
      [] {
        IntMap m = StressMap();
        Race([&] { Churn(m, 3); },
             [&] {
               int64_t sink = 0;
               for (int n = 0; n < kOpsPerThread; n++) {
                 sink += m.Get(n % 2048);
                 sink += m.Lookup(10000 + n % 100).first;
               }
               std::printf("%lld\n", static_cast<long long>(sink));
             });
      },
      kReadWrite);
  EXPECT_EQ(r.wrong, 0);
  EXPECT_GE(r.Detected(), kMinDetectionRate);
}

// An iterator against a writer: every Next() checks.
// Measured detection rate (2-core machine, 4 runs of 24 trials per build): release 96/96,
// asan 96/96, tsan 96/96; pinned to one core, 24/24 in each build. No wrong text, no
// other outcome.
TEST(MisuseStress, IteratorAgainstWriterDiesWithConcurrentMapIterationAndMapWrite) {
  Rate r = Measure(
      [] {
        IntMap m = StressMap();
        Race([&] { Churn(m, 4); },
             [&] {
               int64_t sink = 0;
               for (int n = 0; n < kOpsPerThread;) {
                 auto it = m.Range();
                 while (n < kOpsPerThread && it.Next()) {
                   sink += it.Value();
                   n++;
                 }
               }
               std::printf("%lld\n", static_cast<long long>(sink));
             });
      },
      kIterWrite);
  EXPECT_EQ(r.wrong, 0);
  EXPECT_GE(r.Detected(), kMinDetectionRate);
}

}  // namespace
