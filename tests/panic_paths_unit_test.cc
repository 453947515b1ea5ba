// Panic paths: every way user code or the language can throw out of a map operation
// (architecture.md, "Error model"; go-map-semantics §5, §7 item 1). Run in the asan
// preset, so ASan, UBSan and LeakSanitizer watch every path below.
//
// Go has one recoverable panic on maps' write path: assignment to a nil map. C++ adds
// user code that can throw in the middle of a write: the hash, the equality, and the
// copy and move constructors and assignments of keys and values. Go's rule for its one
// case ("a recovered panic must leave the map writable") becomes, for all of them:
// after the exception the map audits clean, holds what a simple model says (the entry
// being written may or may not be there), leaks nothing, has no hashWriting flag left
// set, and keeps working.
//
// The fault-injection tests replay one scenario many times from the same seed. A dry
// run counts the calls of each user function during the scenario's faulted phase; then
// for every n up to that count the scenario runs again with that function throwing on
// its n-th call. Scenarios cover assign, delete, both kinds of grow, evacuation by move
// (no iterator) and by copy (an iterator holds the old array), and clear. Key and value
// types count live objects and check that the runtime only touches live ones.
//
// Their constructors write members before they throw, as real ones do (a member copied,
// then an allocation fails): the slot a failed construction leaves must still read as
// empty (invariant I12). A throwing key *move* is never reached: keys come in by const
// reference, and evacuation relocates with move_if_noexcept (type.h), so keys whose move
// may throw are copied; the "[ reach ]" lines printed per scenario show the counts.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/map.h"

namespace {

using gomap::internal::MapPeer;

constexpr uint8_t kHashWritingBit = 4;

// ---- fault injection ---------------------------------------------------------------

enum Fault : int { kHash, kEq, kKeyCopy, kKeyMove, kValCopy, kValMove, kNumFaults };
constexpr const char* kFaultName[kNumFaults] = {"hash",     "equality",   "key copy",
                                                "key move", "value copy", "value move"};

struct Injected : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum Role : int { kKeyRole, kValRole };

// Global on purpose: user functions have no other way to reach the test. Single-threaded.
struct Faults {
  static inline int64_t calls[kNumFaults] = {};
  static inline int armed = -1;   // the Fault that will throw, or -1
  static inline int64_t at = 0;   // ... when calls[armed] reaches this
  static inline int fired = 0;    // throws injected since the last Arm
  static inline int64_t live[2] = {0, 0};  // live keys, live values
  static inline std::vector<std::string> misuse;  // touches of objects that are not alive
  static inline std::function<void()> on_eq;      // runs inside every equality call

  // A call of a user function that may throw.
  static void Hit(Fault f) {
    if (++calls[f] == at && armed == f) {
      armed = -1;  // exactly one throw per arming: undo paths must be able to run
      fired++;
      throw Injected(kFaultName[f]);
    }
  }
  // A call of a user function that cannot throw (noexcept moves): counted only.
  static void Count(Fault f) { ++calls[f]; }
  // Throw on the n-th call of f from now on.
  static void Arm(Fault f, int64_t n) {
    armed = f;
    at = calls[f] + n;
    fired = 0;
  }
  static void Disarm() { armed = -1; }
  static void Misuse(const std::string& what) {
    if (misuse.size() < 20) misuse.push_back(what);
  }
};

constexpr uint64_t kAlive = 0x600dcafef00d5eedull;
constexpr uint64_t kDead = 0xdeaddeaddeaddeadull;

// A key or value holding an int64. Copies and moves count (and may throw) through
// Faults; every use checks the object is alive, so the runtime touching a destroyed,
// never-constructed or zeroed slot is reported. kPad > 112 makes it larger than 128
// bytes, which Go (and gomap) stores out of line.
template <Role R, bool kNothrowMove, size_t kPad, bool kReflexive = false>
class Obj {
  static constexpr Fault kCopy = R == kKeyRole ? kKeyCopy : kValCopy;
  static constexpr Fault kMove = R == kKeyRole ? kKeyMove : kValMove;

 public:
  Obj() : Obj(0) {}
  explicit Obj(int64_t v) : v_(v) { Born(); }
  Obj(const Obj& o) : v_(o.v()) {
    Faults::Hit(kCopy);
    Born();
  }
  Obj(Obj&& o) noexcept(kNothrowMove) : v_(o.v()) {
    MoveCall();
    Born();
  }
  // Both assignments give the strong guarantee: a throw leaves the target unchanged.
  Obj& operator=(const Obj& o) {
    int64_t v = o.v();
    Check("copy-assigned to");
    Faults::Hit(kCopy);
    v_ = v;
    return *this;
  }
  Obj& operator=(Obj&& o) noexcept(kNothrowMove) {
    int64_t v = o.v();
    Check("move-assigned to");
    MoveCall();
    v_ = v;
    return *this;
  }
  ~Obj() {
    Check("destroyed");
    magic_ = kDead;
    Faults::live[R]--;
  }
  int64_t v() const {
    Check("read");
    return v_;
  }
  bool operator==(const Obj& o) const { return v() == o.v(); }

 private:
  void MoveCall() {
    if constexpr (kNothrowMove) {
      Faults::Count(kMove);
    } else {
      Faults::Hit(kMove);
    }
  }
  void Born() {
    magic_ = kAlive;
    Faults::live[R]++;
  }
  void Check(const char* what) const {
    if (magic_ != kAlive) {
      Faults::Misuse(std::string(R == kKeyRole ? "key" : "value") + " not alive was " + what);
    }
  }

  int64_t v_;
  uint64_t magic_;
  std::array<char, kPad> pad_{};
};

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// In collide mode, key v lands in bucket (v / kGroupSize) mod 2^B for every B <= 8: a
// run of consecutive keys piles up in one chain (overflow buckets, same-size grows).
constexpr int64_t kGroupSize = 30;

template <class K>
struct FHash {
  bool collide = false;
  uint64_t operator()(const K& k, uint64_t seed) const {
    Faults::Hit(kHash);
    uint64_t v = static_cast<uint64_t>(k.v());
    uint64_t h = Mix(v ^ Mix(seed));
    if (collide) h = (h & ~uint64_t{0xff}) | ((v / kGroupSize) & 0xff);
    return h;
  }
};

template <class K>
struct FEq {
  bool operator()(const K& a, const K& b) const {
    Faults::Hit(kEq);
    if (Faults::on_eq) Faults::on_eq();
    return a.v() == b.v();
  }
};

}  // namespace

// Keys declared reflexive skip Go's key update on overwrite and the k == k tests of
// evacuation and iteration; the others (the default for class types) take those paths.
template <bool kNothrowMove, size_t kPad>
struct gomap::KeyTraits<Obj<kKeyRole, kNothrowMove, kPad, true>> {
  static constexpr bool kReflexive = true;
  static constexpr bool kNeedKeyUpdate = false;
};

namespace {

template <bool kNothrowMove, size_t kKeyPad, size_t kValPad, bool kReflexive>
struct Config {
  using K = Obj<kKeyRole, kNothrowMove, kKeyPad, kReflexive>;
  using V = Obj<kValRole, kNothrowMove, kValPad>;
  using M = gomap::Map<K, V, FHash<K>, FEq<K>>;
  static constexpr bool kMovesThrow = !kNothrowMove;
};

// ---- scenarios ---------------------------------------------------------------------

enum class OpKind { kSet, kDelete, kClear, kRange };
struct Op {
  OpKind kind;
  int64_t key = 0;  // kRange: how many entries to take at once
  int64_t val = 0;
};
Op Set(int64_t k, int64_t v) { return {OpKind::kSet, k, v}; }
Op Del(int64_t k) { return {OpKind::kDelete, k, 0}; }
Op Clear() { return {OpKind::kClear, 0, 0}; }
Op Range(int64_t steps) { return {OpKind::kRange, steps, 0}; }

// What a scenario promises to go through, checked on its dry run so that it keeps
// testing what its name says as the runtime evolves.
enum Expect : unsigned {
  kGrowsDuringFault = 1,      // a doubling grow starts in the faulted phase
  kGrowingAtFault = 2,        // the faulted phase starts mid-grow
  kSameSizeDuringFault = 4,   // a same-size grow starts in the faulted phase
};

struct Scenario {
  std::string name;
  bool collide = false;
  int64_t hint = 0;
  std::vector<Op> setup;    // run without faults; may hold iterators
  std::vector<Op> faulted;  // writes only: Set, Delete, Clear
  unsigned expect = 0;
};

// Churn through hash groups (collide mode): a window of kGroupSize live keys slides
// over consecutive groups, leaving long, emptied chains behind until the overflow
// buckets force a same-size grow. Step i deletes key i - kGroupSize and inserts key i.
void AppendChurn(std::vector<Op>& ops, int64_t from, int64_t to) {
  for (int64_t i = from; i < to; i++) {
    if (i >= kGroupSize) ops.push_back(Del(i - kGroupSize));
    ops.push_back(Set(i, i * 10));
  }
}

// The churn step whose insert starts the first same-size grow (hint 40). It depends
// only on chain lengths, not on the seed.
template <class C>
int64_t SameSizeTrigger() {
  using K = typename C::K;
  using V = typename C::V;
  FHash<K> hash;
  hash.collide = true;
  typename C::M m = C::M::Make(40, hash);
  for (int64_t i = 0; i < 100000; i++) {
    if (i >= kGroupSize) m.Delete(K(i - kGroupSize));
    m.Set(K(i), V(i * 10));
    if (m.GetStats().same_size_grow) return i;
  }
  return -1;
}

template <class C>
std::vector<Scenario> Scenarios() {
  std::vector<Scenario> all;
  {
    // Assign from empty through the grows at inserts 9, 14 and 27, with overwrites and
    // deletes on the way (evacuation by move: no iterator).
    Scenario s;
    s.name = "InsertsGrowFromEmpty";
    for (int64_t k = 0; k < 30; k++) s.faulted.push_back(Set(k, k * 10 + 1));
    for (int64_t k : {3, 5, 28}) s.faulted.push_back(Set(k, k * 10 + 2));
    for (int64_t k : {7, 8, 100, 29}) s.faulted.push_back(Del(k));
    s.expect = kGrowsDuringFault;
    all.push_back(s);
  }
  {
    // Deletes (present and absent), re-inserts and overwrites while a doubling grow
    // (B 3 -> 4) is under way, then enough inserts to finish it.
    Scenario s;
    s.name = "WritesMidDoubling";
    for (int64_t k = 0; k < 53; k++) s.setup.push_back(Set(k, k * 10));
    for (int64_t k : {0, 1, 2, 3, 4, 500}) s.faulted.push_back(Del(k));
    s.faulted.push_back(Set(3, 33));
    s.faulted.push_back(Set(10, 101));
    s.faulted.push_back(Set(11, 111));
    for (int64_t k = 60; k < 76; k++) s.faulted.push_back(Set(k, k * 10));
    s.expect = kGrowingAtFault;
    all.push_back(s);
  }
  {
    // The same with iterators alive: one began before the grow (the old array is
    // shared, so evacuation copies instead of moving), one began during it.
    Scenario s;
    s.name = "WritesMidDoublingWithIterators";
    for (int64_t k = 0; k < 40; k++) s.setup.push_back(Set(k, k * 10));
    s.setup.push_back(Range(3));
    for (int64_t k = 40; k < 53; k++) s.setup.push_back(Set(k, k * 10));
    s.setup.push_back(Range(5));
    for (int64_t k : {0, 1, 2, 3, 4, 500}) s.faulted.push_back(Del(k));
    s.faulted.push_back(Set(3, 33));
    s.faulted.push_back(Set(10, 101));
    for (int64_t k = 60; k < 76; k++) s.faulted.push_back(Set(k, k * 10));
    s.expect = kGrowingAtFault;
    all.push_back(s);
  }
  {
    // Doubling grows over long chains (collide mode): evacuation fills destination
    // chains that need overflow buckets of their own; the chains also trip same-size
    // grows at small B.
    Scenario s;
    s.name = "DoublingOverLongChains";
    s.collide = true;
    for (int64_t k = 0; k < 60; k++) s.faulted.push_back(Set(k, k * 10));
    for (int64_t k = 10; k < 15; k++) s.faulted.push_back(Del(k));
    for (int64_t k = 60; k < 66; k++) s.faulted.push_back(Set(k, k * 10));
    s.expect = kGrowsDuringFault;
    all.push_back(s);
  }
  int64_t trigger = SameSizeTrigger<C>();
  EXPECT_GT(trigger, 0) << "no same-size grow from the churn";
  if (trigger > 0) {
    // Same-size grow over long overflow chains: the trigger, and the evacuation of
    // chains that need several destination overflow buckets.
    Scenario s;
    s.name = "SameSizeGrowth";
    s.collide = true;
    s.hint = 40;  // B = 3 from the start; 30 live keys never reach the load factor
    AppendChurn(s.setup, 0, trigger - 2);
    AppendChurn(s.faulted, trigger - 2, trigger + 12);
    s.expect = kSameSizeDuringFault;
    all.push_back(s);

    Scenario t = s;
    t.name = "SameSizeGrowthWithIterator";
    t.setup.clear();
    AppendChurn(t.setup, 0, trigger - 10);
    t.setup.push_back(Range(4));
    AppendChurn(t.setup, trigger - 10, trigger - 2);
    t.expect = kSameSizeDuringFault;
    all.push_back(t);
  }
  {
    // Clear mid-grow under a live iterator, then regrow past the kept B, then clear
    // and insert again.
    Scenario s;
    s.name = "ClearAndRegrow";
    for (int64_t k = 0; k < 41; k++) s.setup.push_back(Set(k, k * 10));
    s.setup.push_back(Range(3));
    for (int64_t k = 41; k < 55; k++) s.setup.push_back(Set(k, k * 10));
    s.faulted.push_back(Clear());
    for (int64_t k = 100; k < 215; k++) s.faulted.push_back(Set(k, k * 10));
    s.faulted.push_back(Del(105));
    s.faulted.push_back(Clear());
    for (int64_t k = 300; k < 310; k++) s.faulted.push_back(Set(k, k * 10));
    s.expect = kGrowingAtFault | kGrowsDuringFault;
    all.push_back(s);
  }
  return all;
}

// ---- one run of a scenario -----------------------------------------------------------

template <class C>
class Runner {
  using K = typename C::K;
  using V = typename C::V;
  using M = typename C::M;

  // An iterator kept alive across the writes, and what it may yield.
  struct Held {
    explicit Held(typename M::Iter i) : it(std::move(i)) {}
    typename M::Iter it;
    std::set<int64_t> start;        // keys present when it began
    std::set<int64_t> deleted;      // keys deleted while it lived
    std::map<int64_t, int> yields;  // key -> times yielded
    bool cleared = false;           // a Clear ran while it lived
    bool done = false;
  };

 public:
  explicit Runner(const Scenario& s) : s_(s) {
    FHash<K> hash;
    hash.collide = s.collide;
    m_ = M::Make(s.hint, hash);
  }

  // Runs setup, then the faulted phase with `fault` armed at its n-th call (n = 0: no
  // fault). Returns the calls of each user function during the faulted phase.
  std::array<int64_t, kNumFaults> Run(int fault, int64_t n) {
    for (const Op& op : s_.setup) Apply(op);
    if (s_.expect & kGrowingAtFault) {
      EXPECT_TRUE(m_.GetStats().growing) << s_.name << ": setup should stop mid-grow";
    }
    std::array<int64_t, kNumFaults> before;
    std::copy(std::begin(Faults::calls), std::end(Faults::calls), before.begin());
    if (n > 0) Faults::Arm(static_cast<Fault>(fault), n);
    uint8_t B0 = m_.GetStats().B;
    for (const Op& op : s_.faulted) {
      ApplyFaulted(op);
      gomap::Stats st = m_.GetStats();
      if (st.B > B0) saw_doubling_ = true;
      if (st.same_size_grow) saw_same_size_ = true;
      B0 = st.B;
    }
    Faults::Disarm();
    std::array<int64_t, kNumFaults> calls;
    for (int f = 0; f < kNumFaults; f++) calls[f] = Faults::calls[f] - before[f];
    if (n > 0) {
      EXPECT_EQ(thrown_, 1) << where(fault, n) << ": the armed call did not throw out of an "
                                                  "operation exactly once";
      EXPECT_EQ(Faults::fired, 1) << where(fault, n);
    }
    return calls;
  }

  void CheckPromises() const {
    if (s_.expect & kGrowsDuringFault) {
      EXPECT_TRUE(saw_doubling_) << s_.name << ": no doubling grow in the faulted phase";
    }
    if (s_.expect & kSameSizeDuringFault) {
      EXPECT_TRUE(saw_same_size_) << s_.name << ": no same-size grow in the faulted phase";
    }
  }

  // Everything a quiescent map must satisfy, then more writes to show it still works,
  // then every held iterator drained.
  void CheckFinal(const std::string& where) {
    CheckMatchesModel(where + ", after the faulted phase");
    for (int64_t k = 1000; k < 1040; k++) Apply(Set(k, k));
    for (int64_t k = 1000; k < 1040; k += 3) Apply(Del(k));
    for (auto& [k, v] : std::map<int64_t, int64_t>(model_)) {
      if (k % 5 == 0) Apply(Set(k, v + 7));
    }
    CheckMatchesModel(where + ", after more writes");
    for (Held& h : held_) Drain(h, where);
    Apply(Clear());
    Apply(Set(7, 70));
    CheckMatchesModel(where + ", after a clear");
  }

  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string where(int fault, int64_t n) const {
    return s_.name + ", " + kFaultName[fault] + " throwing at call " + std::to_string(n);
  }

  void Error(const std::string& e) {
    if (errors_.size() < 10) errors_.push_back(e);
  }

  void Apply(const Op& op) {
    switch (op.kind) {
      case OpKind::kSet:
        m_.Set(K(op.key), V(op.val));
        model_[op.key] = op.val;
        break;
      case OpKind::kDelete:
        m_.Delete(K(op.key));
        Deleted(op.key);
        break;
      case OpKind::kClear:
        m_.Clear();
        model_.clear();
        for (Held& h : held_) h.cleared = true;
        break;
      case OpKind::kRange: {
        Held h(m_.Range());
        for (const auto& kv : model_) h.start.insert(kv.first);
        for (int64_t i = 0; i < op.key && !h.done; i++) Step(h, "setup");
        held_.push_back(std::move(h));
        break;
      }
    }
    CheckCheap("after a write");
  }

  void Deleted(int64_t k) {
    if (model_.erase(k)) {
      for (Held& h : held_) h.deleted.insert(k);
    }
  }

  // A write from the faulted phase: an Injected exception is expected at most once
  // across the phase; the model learns what the map kept.
  void ApplyFaulted(const Op& op) {
    bool had = model_.count(op.key) > 0;
    int64_t old = had ? model_[op.key] : 0;
    try {
      Apply(op);
      return;
    } catch (const Injected&) {
      thrown_++;
    }
    const std::string ctx = s_.name + ": after " + OpName(op) + " threw";
    if (MapPeer::Flags(m_) & kHashWritingBit) {
      // Report it, then clear it: the next read would otherwise die of a false
      // "concurrent map read and map write" and hide everything else.
      Error(ctx + ": hashWriting left set");
      MapPeer::SetWriting(m_, false);
    }
    switch (op.kind) {
      case OpKind::kSet: {
        auto [got, ok] = m_.Lookup(K(op.key));
        if (ok) {
          if (got.v() != op.val && !(had && got.v() == old)) {
            Error(ctx + ": the key holds " + std::to_string(got.v()) +
                  ", neither the old nor the new value");
          }
          model_[op.key] = got.v();
        } else if (had) {
          Error(ctx + ": a failed overwrite lost the entry");
        }
        break;
      }
      case OpKind::kDelete: {
        auto [got, ok] = m_.Lookup(K(op.key));
        if (ok) {
          if (!had || got.v() != old) Error(ctx + ": the key changed");
        } else {
          Deleted(op.key);
        }
        break;
      }
      case OpKind::kClear:
      case OpKind::kRange:
        Error(ctx + ": this operation calls no user function that may throw");
        break;
    }
    CheckCheap(ctx);
    std::vector<std::string> audit = m_.Audit();
    if (!audit.empty()) Error(ctx + ": Audit: " + audit.front() + "\n" + m_.Dump(16));
  }

  static std::string OpName(const Op& op) {
    switch (op.kind) {
      case OpKind::kSet:
        return "Set(" + std::to_string(op.key) + ", " + std::to_string(op.val) + ")";
      case OpKind::kDelete:
        return "Delete(" + std::to_string(op.key) + ")";
      case OpKind::kClear:
        return "Clear()";
      case OpKind::kRange:
        return "Range()";
    }
    return "?";
  }

  // Checks that call no user function (so they do not disturb the call counting).
  void CheckCheap(const std::string& ctx) {
    if (m_.Len() != static_cast<int64_t>(model_.size())) {
      Error(ctx + ": Len " + std::to_string(m_.Len()) + ", model " +
            std::to_string(model_.size()));
    }
    if (MapPeer::Flags(m_) & kHashWritingBit) Error(ctx + ": hashWriting left set");
  }

  void CheckMatchesModel(const std::string& ctx) {
    CheckCheap(ctx);
    std::vector<std::string> audit = m_.Audit();
    if (!audit.empty()) Error(ctx + ": Audit: " + audit.front() + "\n" + m_.Dump(16));
    for (const auto& [k, v] : model_) {
      auto [got, ok] = m_.Lookup(K(k));
      if (!ok) {
        Error(ctx + ": key " + std::to_string(k) + " missing");
      } else if (got.v() != v) {
        Error(ctx + ": key " + std::to_string(k) + " holds " + std::to_string(got.v()) +
              ", model " + std::to_string(v));
      }
    }
    for (int64_t k : {-1, 99999}) {
      if (m_.Lookup(K(k)).second) Error(ctx + ": found absent key " + std::to_string(k));
    }
    std::map<int64_t, int64_t> seen;
    for (auto it = m_.Range(); it.Next();) {
      if (!seen.emplace(it.Key().v(), it.Value().v()).second) {
        Error(ctx + ": Range yielded key " + std::to_string(it.Key().v()) + " twice");
      }
    }
    if (seen != model_) Error(ctx + ": Range does not yield the model");
  }

  // One Next() of a held iterator, checked against the model (no write runs meanwhile).
  void Step(Held& h, const std::string& ctx) {
    if (!h.it.Next()) {
      h.done = true;
      return;
    }
    int64_t k = h.it.Key().v();
    int64_t v = h.it.Value().v();
    auto pos = model_.find(k);
    if (h.cleared) {
      Error(ctx + ": an iterator yielded key " + std::to_string(k) + " after a Clear");
    } else if (pos == model_.end()) {
      Error(ctx + ": an iterator yielded key " + std::to_string(k) + ", not in the map");
    } else if (pos->second != v) {
      Error(ctx + ": an iterator yielded a stale value for key " + std::to_string(k));
    }
    if (h.yields[k]++ > 0 && !h.deleted.count(k)) {
      Error(ctx + ": an iterator yielded key " + std::to_string(k) + " twice");
    }
  }

  void Drain(Held& h, const std::string& ctx) {
    while (!h.done) Step(h, ctx + ", draining an iterator");
    if (h.cleared) return;  // nothing is owed after a Clear
    for (int64_t k : h.start) {
      if (!h.deleted.count(k) && !h.yields.count(k)) {
        Error(ctx + ": an iterator missed key " + std::to_string(k));
      }
    }
  }

  const Scenario& s_;
  M m_;
  std::map<int64_t, int64_t> model_;
  std::vector<Held> held_;
  std::vector<std::string> errors_;
  int thrown_ = 0;
  bool saw_doubling_ = false, saw_same_size_ = false;
};

class FaultFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    Faults::Disarm();
    Faults::misuse.clear();
    Faults::live[0] = Faults::live[1] = 0;
  }
  void TearDown() override {
    Faults::Disarm();
    Faults::on_eq = nullptr;
    EXPECT_EQ(Faults::live[kKeyRole], 0) << "keys leaked or destroyed twice";
    EXPECT_EQ(Faults::live[kValRole], 0) << "values leaked or destroyed twice";
    for (const auto& e : Faults::misuse) ADD_FAILURE() << e;
  }
};

template <class C>
class PanicPaths : public FaultFixture {};

using Configs = ::testing::Types<
    Config</*nothrow move=*/false, /*key pad=*/0, /*value pad=*/0, /*reflexive=*/false>,
    Config<true, 0, 0, true>,      // evacuation moves (and moves back on a failed copy)
    Config<false, 160, 160, true>,  // key and value stored out of line (over 128 bytes)
    Config<true, 0, 160, false>>;   // value out of line, key inline
TYPED_TEST_SUITE(PanicPaths, Configs);

TYPED_TEST(PanicPaths, EveryThrowingCallLeavesTheMapConsistent) {
  using C = TypeParam;
  constexpr uint64_t kSeed = 20240601;
  std::array<int64_t, kNumFaults> total{};
  for (const Scenario& s : Scenarios<C>()) {
    // Dry run: how many calls of each user function the faulted phase makes.
    std::array<int64_t, kNumFaults> calls;
    {
      gomap::SeedRandom(kSeed);
      Runner<C> dry(s);
      calls = dry.Run(0, 0);
      dry.CheckPromises();
      dry.CheckFinal(s.name + ", no fault");
      for (const auto& e : dry.errors()) ADD_FAILURE() << e;
    }
    ASSERT_FALSE(::testing::Test::HasFailure()) << s.name << ": the scenario fails without faults";
    std::string reach;
    for (int f = 0; f < kNumFaults; f++) {
      reach += std::string(" ") + kFaultName[f] + "=" + std::to_string(calls[f]);
      bool can_throw = (f != kKeyMove && f != kValMove) || C::kMovesThrow;
      if (!can_throw) continue;
      total[f] += calls[f];
      for (int64_t n = 1; n <= calls[f]; n++) {
        gomap::SeedRandom(kSeed);
        {
          Runner<C> run(s);
          run.Run(f, n);
          std::string where =
              s.name + ", " + kFaultName[f] + " throwing at call " + std::to_string(n);
          run.CheckFinal(where);
          for (const auto& e : run.errors()) ADD_FAILURE() << where << ": " << e;
        }
        if (Faults::live[kKeyRole] != 0 || Faults::live[kValRole] != 0) {
          ADD_FAILURE() << s.name << ", " << kFaultName[f] << " throwing at call " << n
                        << ": " << Faults::live[kKeyRole] << " keys and "
                        << Faults::live[kValRole] << " values still alive after the map "
                        << "and its iterators are gone";
          Faults::live[0] = Faults::live[1] = 0;
        }
        if (::testing::Test::HasFailure()) return;  // one precise report beats thousands
      }
    }
    std::printf("[ reach    ] %s:%s\n", s.name.c_str(), reach.c_str());
  }
  // The test must really have thrown from each kind of user function that can throw.
  for (int f : {kHash, kEq, kKeyCopy, kValCopy}) {
    EXPECT_GT(total[f], 0) << "no " << kFaultName[f] << " call was ever reached";
  }
  if (C::kMovesThrow) {
    EXPECT_GT(total[kValMove], 0) << "no value move was ever reached";
  }
}

// ---- nil maps --------------------------------------------------------------------

using SimpleK = Obj<kKeyRole, false, 0, true>;
using SimpleV = Obj<kValRole, false, 0>;
using SimpleMap = gomap::Map<SimpleK, SimpleV, FHash<SimpleK>, FEq<SimpleK>>;

class NilMapWrite : public FaultFixture {};

// Set on a nil map throws gomap::Panic with Go's text, and changes nothing.
void ExpectNilPanic(SimpleMap& m, int64_t k) {
  int64_t hashes = Faults::calls[kHash];
  try {
    m.Set(SimpleK(k), SimpleV(k));
    ADD_FAILURE() << "Set on a nil map returned";
  } catch (const gomap::Panic& p) {
    EXPECT_STREQ(p.what(), "assignment to entry in nil map");
  }
  // Go raises it before hashing, so it wins over a hash that would panic (§5, §7.2).
  EXPECT_EQ(Faults::calls[kHash], hashes) << "the key was hashed";
  EXPECT_TRUE(m.IsNil());
  EXPECT_EQ(m.Len(), 0);
  EXPECT_FALSE(m.Lookup(SimpleK(k)).second);
  EXPECT_TRUE(m.Audit().empty());
}

TEST_F(NilMapWrite, PlainSetPanicsAndChangesNothing) {
  SimpleMap m;
  Faults::Arm(kHash, 1);  // a hash that would throw is never reached
  ExpectNilPanic(m, 1);
  ExpectNilPanic(m, 1);
  Faults::Disarm();
  // The nil map stays fully usable as a nil map.
  m.Delete(SimpleK(1));
  m.Clear();
  EXPECT_FALSE(m.Range().Next());
  EXPECT_EQ(m.Get(SimpleK(1)).v(), 0);
  gomap::Stats s = m.GetStats();
  EXPECT_EQ(s.count, 0);
  EXPECT_EQ(s.flags, 0);
}

TEST_F(NilMapWrite, OnEveryAliasOfANilMap) {
  SimpleMap nil;
  SimpleMap copy = nil;
  SimpleMap assigned = SimpleMap::Make();
  assigned.Set(SimpleK(1), SimpleV(1));
  SimpleMap keeper = assigned;  // the table assigned used to point at
  assigned = copy;              // now an alias of the nil map
  ExpectNilPanic(nil, 2);
  ExpectNilPanic(copy, 2);
  ExpectNilPanic(assigned, 2);
  // The table `assigned` left is untouched and still writable.
  EXPECT_EQ(keeper.Len(), 1);
  keeper.Set(SimpleK(2), SimpleV(20));
  EXPECT_EQ(keeper.Get(SimpleK(2)).v(), 20);
  EXPECT_TRUE(keeper.Audit().empty());
}

// A nil-map panic in the body of a range over another map: caught inside the loop (the
// iteration carries on and still yields every entry once), and escaping the loop (the
// iterator is destroyed during unwinding). The ranged map is growing meanwhile.
TEST_F(NilMapWrite, InsideAnIterationOfAnotherMap) {
  SimpleMap nil;
  SimpleMap other = SimpleMap::Make();
  // The 53rd insert starts a grow over 8 old buckets; two more writes cannot finish it.
  for (int64_t k = 0; k < 55; k++) other.Set(SimpleK(k), SimpleV(k * 10));
  ASSERT_TRUE(other.GetStats().growing);

  std::map<int64_t, int> seen;
  for (auto it = other.Range(); it.Next();) {
    seen[it.Key().v()]++;
    ExpectNilPanic(nil, it.Key().v());
  }
  EXPECT_EQ(seen.size(), 55u);
  for (const auto& [k, n] : seen) EXPECT_EQ(n, 1) << "key " << k;

  for (int round = 0; round < 3; round++) {
    EXPECT_THROW(
        {
          for (auto it = other.Range(); it.Next();) {
            if (it.Key().v() % 7 == 3) nil.Set(it.Key(), it.Value());
          }
        },
        gomap::Panic);
    // Still writable (grow completes), no flag left, audits clean.
    for (int64_t k = 100 + round * 10; k < 110 + round * 10; k++) {
      other.Set(SimpleK(k), SimpleV(k));
    }
    EXPECT_EQ(MapPeer::Flags(other) & kHashWritingBit, 0);
    EXPECT_TRUE(other.Audit().empty());
  }
  EXPECT_EQ(other.Len(), 85);
  EXPECT_FALSE(other.GetStats().growing);
}

// A nil-map panic thrown from user code running inside another map's write (its key
// equality): it unwinds through that write, which must release its writing flag and
// leave its map consistent, as for any other exception from user code.
TEST_F(NilMapWrite, InsideAnotherMapsWrite) {
  SimpleMap nil;
  SimpleMap other = SimpleMap::Make();
  for (int64_t k = 0; k < 55; k++) other.Set(SimpleK(k), SimpleV(k));
  ASSERT_TRUE(other.GetStats().growing);
  Faults::on_eq = [&] { nil.Set(SimpleK(1), SimpleV(1)); };
  EXPECT_THROW(other.Set(SimpleK(5), SimpleV(55)), gomap::Panic);   // overwrite
  EXPECT_THROW(other.Delete(SimpleK(6)), gomap::Panic);
  Faults::on_eq = nullptr;
  EXPECT_EQ(MapPeer::Flags(other) & kHashWritingBit, 0);
  EXPECT_TRUE(other.Audit().empty());
  EXPECT_EQ(other.Len(), 55);
  EXPECT_EQ(other.Get(SimpleK(5)).v(), 5);  // the equality threw before the store
  EXPECT_TRUE(other.Lookup(SimpleK(6)).second);
  other.Set(SimpleK(5), SimpleV(55));
  other.Delete(SimpleK(6));
  EXPECT_EQ(other.Get(SimpleK(5)).v(), 55);
  EXPECT_EQ(other.Len(), 54);
}

}  // namespace
