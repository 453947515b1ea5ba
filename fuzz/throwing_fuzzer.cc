// User code that throws: keys whose hash, == and copy, and values whose copy and move,
// throw on a schedule the input picks. The architecture's error model: the exception
// propagates, the map stays consistent (Audit() clean, no flag left set, so the next
// write is no "concurrent map writes") and usable; the entry being written may or may
// not be there afterwards. The trace types of the other targets never throw, so this is
// the only target that reaches the runtime's undo paths (slot construction, evacuation
// transfers, assign's key and value stores).
//
// The input is a trace (binary or text) whose header chooses: key=int64 (a 16-byte key)
// or key=big (200 bytes, out of line); value=int64 (16 bytes with a move that may throw,
// or, when bit 16 of the seed is set, 32 bytes, 32-byte aligned, with a nothrow move),
// big (200 bytes, out of line) or empty; the hasher (weak ones force collisions, so ==
// runs often); and, through the seed, the throw schedule: every `period`-th call of user
// code throws, period = 5 + seed % 64, first at call 1 + (seed >> 8) % period. Ops act
// on m0 (handle prefixes are ignored); iterators are checked for producing only present
// entries with their current values, and are dropped when their step throws.
//
// After every op that threw, and at the end: Audit() is clean, Len() matches the model,
// every model entry is found with its value, and a full iteration yields exactly the
// model's entries. Divergences are reported as "gomap divergence: throwing <what>".
#include <algorithm>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "gomap/map.h"
#include "oracle/hashers.h"
#include "oracle/literals.h"
#include "oracle/model_alloc.h"
#include "oracle/report.h"
#include "oracle/text.h"

namespace {

namespace o = gomap::oracle;

// A fixed text, so a throw allocates only the exception object: this target throws
// every few calls of user code.
struct UserError : std::exception {
  const char* what() const noexcept override { return "user code threw"; }
};
struct FatalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The throw schedule: calls of user code are counted while armed.
//
// AddressSanitizer unpoisons the stack before every throw, at a sigaltstack system call
// and a memset of the stack's shadow each time: its interceptors of __cxa_throw and
// _Unwind_RaiseException both do, and clang adds a third call before each call it knows
// does not return (here the throw in Tick, which was inlined into every user function).
// Together they took a quarter of this target's time on one core. Tick is built without
// ASan (it only counts) and kept out of line, so neither it nor its callers make that
// third call; the two interceptors still unpoison the stack at every throw.
// The calls that throw are first, first + period, ...; next is the coming one. (Testing
// (calls - first) % period instead cost a division per call of user code.)
struct Schedule {
  bool armed = false;
  uint64_t calls = 0, period = 1, first = 0, next = 0;
  [[gnu::noinline]] __attribute__((no_sanitize("address"))) void Tick() {
    if (armed && ++calls == next) {
      next += period;
      throw UserError();
    }
  }
};
Schedule g_schedule;

template <size_t kBytes>
struct Key {
  int64_t id = 0;
  char pad[kBytes - sizeof(int64_t)] = {};
  explicit Key(int64_t i = 0) : id(i) {}
  Key(const Key& o) : id(o.id) { g_schedule.Tick(); }
  Key(Key&& o) noexcept : id(o.id) {}
  Key& operator=(const Key& o) {
    g_schedule.Tick();
    id = o.id;
    return *this;
  }
  Key& operator=(Key&& o) noexcept {
    id = o.id;
    return *this;
  }
};
template <size_t kBytes>
struct KeyEq {
  bool operator()(const Key<kBytes>& a, const Key<kBytes>& b) const {
    g_schedule.Tick();
    return a.id == b.id;
  }
};
template <size_t kBytes>
struct KeyHash {
  o::HasherKind kind = o::HasherKind::kDefault;
  uint64_t operator()(const Key<kBytes>& k, uint64_t seed) const {
    g_schedule.Tick();
    return o::Weaken(kind, gomap::DefaultHash<int64_t>()(k.id, seed));
  }
};

// Value<16>'s move may throw, so evacuation copies it even when it could move, and a
// throw there undoes the keys already moved; Value<32> is over-aligned (buckets need
// aligned allocation) and moves without throwing (evacuation relocates it); Value<200> is
// stored out of line (moving it moves the pointer).
template <size_t kBytes>
struct alignas(kBytes == 32 ? 32 : 8) Value {
  static constexpr bool kNothrowMove = kBytes == 32;
  int64_t v = 0;
  char pad[kBytes - sizeof(int64_t)] = {};
  explicit Value(int64_t x = 0) : v(x) {}
  Value(const Value& o) : v(o.v) { g_schedule.Tick(); }
  Value(Value&& o) noexcept(kNothrowMove) : v(o.v) {
    if constexpr (!kNothrowMove) g_schedule.Tick();
  }
  Value& operator=(const Value& o) {
    g_schedule.Tick();
    v = o.v;
    return *this;
  }
  Value& operator=(Value&& o) noexcept(kNothrowMove) {
    if constexpr (!kNothrowMove) g_schedule.Tick();
    v = o.v;
    return *this;
  }
};
struct NoValue {};
template <class V>
int64_t ValueOf(const V& v) {
  return v.v;
}
template <>
int64_t ValueOf(const NoValue&) {
  return 0;
}
template <class V>
V MakeValue(int64_t n) {
  return V(n);
}
template <>
NoValue MakeValue(int64_t) {
  return NoValue();
}

template <class K, class V>
class Scenario {
 public:
  using M = gomap::Map<K, V, KeyHash<sizeof(K)>, KeyEq<sizeof(K)>>;
  using Model = std::map<int64_t, int64_t, std::less<>,
                         o::ModelAllocator<std::pair<const int64_t, int64_t>>>;
  explicit Scenario(const o::Trace& t) : t_(t) {}

  void Run() {
    gomap::FatalHandler previous =
        gomap::SetFatalHandler([](const char* msg) { throw FatalError(msg); });
    gomap::SeedRandom(t_.config.seed);
    const uint64_t period = 5 + t_.config.seed % 64;
    const uint64_t first = 1 + (t_.config.seed >> 8) % period;
    g_schedule = Schedule{false, 0, period, first, first};
    if (!t_.config.nil && !o::HintRefused(t_.config.hint)) Make(t_.config.hint);
    for (op_ = 0; op_ < t_.ops.size(); ++op_) {
      bool threw = false;
      pending_.reset();
      g_schedule.armed = true;
      try {
        Do(t_.ops[op_]);
      } catch (const UserError&) {
        threw = true;
      } catch (const gomap::Panic& e) {  // from Write, on a map that is not nil
        Fail("set panic", std::string("panic: ") + e.what(), "ok");
      } catch (const FatalError& e) {
        Fail("fatal error", std::string("fatal error: ") + e.what(), "no fatal error");
      }
      g_schedule.armed = false;
      if (threw && failure_.empty()) Settle(t_.ops[op_]);
      if (threw && failure_.empty()) CheckAll();
      if (!failure_.empty()) break;  // op_ stays on the failing op, for the report
    }
    if (failure_.empty()) CheckAll();
    gomap::SetFatalHandler(previous);
    if (!failure_.empty()) gomap::fuzz::ReportFailure(signature_, Report());
  }

 private:
  static int64_t Id(const o::Lit& l) {
    if (const auto* b = std::get_if<o::Big>(&l))
      return static_cast<int64_t>(b->w[0] + 16 * b->w[24]);
    return std::get<int64_t>(l);
  }
  static int64_t Num(const o::Lit& l) {
    if (const auto* b = std::get_if<o::Big>(&l)) return static_cast<int64_t>(b->w[0]);
    if (const auto* n = std::get_if<int64_t>(&l)) return *n;
    return 0;
  }

  void Make(int64_t hint) {
    m_ = M::Make(hint, KeyHash<sizeof(K)>{t_.config.hasher});
    model_ = std::make_shared<Model>();
  }

  void Do(const o::Op& op) {
    std::optional<typename M::Iter>& it = iters_[op.n & 3];
    switch (op.op) {
      case o::OpCode::kSet:
        return Write(Id(op.key), Num(op.value));
      case o::OpCode::kSetIt:
        if (current_[op.n & 3]) Write(*current_[op.n & 3], Num(op.value));
        return;
      case o::OpCode::kDelete:
        return Erase(Id(op.key));
      case o::OpCode::kDelIt:
        if (current_[op.n & 3]) Erase(*current_[op.n & 3]);
        return;
      case o::OpCode::kGet:
      case o::OpCode::kLookup: {
        auto [v, ok] = m_.Lookup(K(Id(op.key)));
        auto e = model_ ? model_->find(Id(op.key)) : Model::iterator();
        bool want = model_ && e != model_->end();
        if (ok != want || (ok && ValueOf(v) != e->second)) {
          Fail("lookup", std::to_string(ValueOf(v)) + " " + (ok ? "true" : "false"),
               want ? std::to_string(e->second) + " true" : "0 false");
        }
        return;
      }
      case o::OpCode::kLen:
      case o::OpCode::kAudit:
        return CheckAll();
      case o::OpCode::kClear:
        m_.Clear();
        if (model_) model_->clear();
        return;
      case o::OpCode::kMake:
        if (!o::HintRefused(op.n)) Make(op.n);
        return;
      case o::OpCode::kNil:
        m_ = M();
        model_.reset();
        return;
      case o::OpCode::kRange:
        it.reset();
        current_[op.n & 3].reset();
        it.emplace(m_.Range());
        iter_model_[op.n & 3] = model_;  // the iterator keeps reading this table
        return;
      case o::OpCode::kNext:
        return Step(op.n & 3);
      case o::OpCode::kDrain:
        while (it && failure_.empty()) Step(op.n & 3);
        return;
      case o::OpCode::kBreak:
        it.reset();
        current_[op.n & 3].reset();
        return;
      case o::OpCode::kAlias:
        return;
    }
  }

  // m[k] = v. On a map that is not nil, Set is called bare: with a catch clause here,
  // every throw from user code landed in this frame and resumed from it (the catch did
  // not match), about 2% of this target's time. Only Set panics, and only on a nil map,
  // so a Panic from here reaches Run, which reports it.
  void Write(int64_t k, int64_t v) {
    pending_ = {k, v};
    if (!model_) return WriteNil(k, v);
    m_.Set(K(k), MakeValue<V>(v));
    (*model_)[k] = ValueOf(MakeValue<V>(v));
  }
  // m[k] = v on a nil map panics (Go: "assignment to entry in nil map").
  void WriteNil(int64_t k, int64_t v) {
    try {
      m_.Set(K(k), MakeValue<V>(v));
    } catch (const gomap::Panic&) {
      return;
    }
    Fail("set panic", "ok", "panic");
  }

  void Erase(int64_t k) {
    pending_ = {k, 0};
    m_.Delete(K(k));
    if (model_) model_->erase(k);
  }

  // An iterator step: a produced entry is present now with its current value. A step that
  // throws leaves the iterator unusable: it is dropped (Settle).
  void Step(int i) {
    std::optional<typename M::Iter>& it = iters_[i];
    if (!it) return;
    stepping_ = i;
    if (!it->Next()) {
      it.reset();
      current_[i].reset();
      return;
    }
    int64_t k = it->Key().id, v = ValueOf(it->Value());
    current_[i] = k;
    const Model* table = iter_model_[i].get();
    auto e = table ? table->find(k) : Model::const_iterator();
    if (!table || e == table->end() || e->second != v) {
      Fail("next", std::to_string(k) + " " + std::to_string(v),
           table && e != table->end() ? "value " + std::to_string(e->second) : "a key in the map");
    }
  }

  // After a throw: what may differ from the model is the entry being written (there or
  // not; if there, with its old or its new value). Anything else shows in CheckAll().
  void Settle(const o::Op& op) {
    if (op.op == o::OpCode::kNext || op.op == o::OpCode::kDrain) {
      iters_[stepping_].reset();
      current_[stepping_].reset();
    }
    const bool writes = op.op == o::OpCode::kSet || op.op == o::OpCode::kSetIt ||
                        op.op == o::OpCode::kDelete || op.op == o::OpCode::kDelIt;
    if (!writes || !model_ || !pending_) return;
    const auto [k, v] = *pending_;
    auto [got, ok] = m_.Lookup(K(k));
    auto e = model_->find(k);
    const bool is_set = op.op == o::OpCode::kSet || op.op == o::OpCode::kSetIt;
    const int64_t newv = ValueOf(MakeValue<V>(v));
    if (ok &&
        !((e != model_->end() && ValueOf(got) == e->second) || (is_set && ValueOf(got) == newv))) {
      Fail("entry after exception", std::to_string(k) + " " + std::to_string(ValueOf(got)),
           "its old value, or the value being set");
    } else if (!ok && e != model_->end() && is_set) {
      Fail("entry after exception", std::to_string(k) + " missing",
           "an overwrite that throws keeps the entry");
    }
    if (ok) {
      (*model_)[k] = ValueOf(got);
    } else {
      model_->erase(k);
    }
  }

  void CheckAll() {
    const bool armed = std::exchange(g_schedule.armed, false);  // checks never throw
    CheckContents();
    g_schedule.armed = armed;
  }

  void CheckContents() {
    if (m_.IsNil()) return;
    if (auto errs = m_.Audit(); !errs.empty())
      return Fail("audit " + errs[0], errs[0], "no broken invariants");
    const int64_t want = static_cast<int64_t>(model_->size());
    if (m_.Len() != want) return Fail("len", std::to_string(m_.Len()), std::to_string(want));
    for (const auto& [k, v] : *model_) {
      auto [got, ok] = m_.Lookup(K(k));
      if (!ok || ValueOf(got) != v) {
        return Fail("lookup",
                    std::to_string(k) + (ok ? " -> " + std::to_string(ValueOf(got)) : " missing"),
                    std::to_string(k) + " -> " + std::to_string(v));
      }
    }
    // Checks run after every throw, so the ids seen go to a buffer kept from check to
    // check (a std::set allocated a node per entry). Sorted, they are walked beside the
    // model's (a std::map, in order too) instead of looked up in it one by one: each must
    // be there, once; then none is missing if there are as many.
    seen_.clear();
    for (auto it = m_.Range(); it.Next();) seen_.push_back(it.Key().id);
    std::sort(seen_.begin(), seen_.end());
    auto e = model_->begin();
    for (size_t i = 0; i < seen_.size(); ++i) {
      const int64_t k = seen_[i];
      while (e != model_->end() && e->first < k) ++e;
      if (e == model_->end() || e->first != k || (i > 0 && seen_[i - 1] == k))
        return Fail("iteration", std::to_string(k), "each entry of the map once");
    }
    if (static_cast<int64_t>(seen_.size()) != want) {
      Fail("iteration", std::to_string(seen_.size()) + " entries",
           std::to_string(want) + " entries");
    }
  }

  void Fail(const std::string& words, const std::string& got, const std::string& want) {
    if (!failure_.empty()) return;
    signature_ = o::Signature("throwing " + words);
    failure_ = "got:  " + got + "\nwant: " + want + "\n";
  }

  std::string Report() const {
    o::PrintOptions po;
    po.max_ops = op_ < t_.ops.size() ? op_ + 1 : t_.ops.size();
    po.mark_op = op_;
    return "ASSERTION FAILURE: " + signature_ + "\n" + failure_ + "throw schedule: every " +
           std::to_string(g_schedule.period) + "th call of user code from call " +
           std::to_string(g_schedule.first) + "\n--- text trace up to the failing op ---\n" +
           o::PrintText(t_, po) + "--- m0: stats ---\n" + o::FormatStats(m_.GetStats()) +
           "\n--- m0: layout ---\n" + m_.Dump();
  }

  const o::Trace& t_;
  M m_;
  std::shared_ptr<Model> model_;  // m0's table in the model; null: m0 is nil
  std::optional<typename M::Iter> iters_[4];
  std::shared_ptr<const Model> iter_model_[4];  // the table each iterator ranges over
  std::optional<int64_t> current_[4];
  std::optional<std::pair<int64_t, int64_t>> pending_;
  std::vector<int64_t> seen_;  // CheckContents' buffer
  int stepping_ = 0;
  size_t op_ = 0;
  std::string signature_, failure_;
};

template <class K>
void RunK(const o::Trace& t) {
  switch (t.config.value) {
    case o::ValueType::kInt64:
      if (t.config.seed & (1u << 16)) return Scenario<K, Value<32>>(t).Run();
      return Scenario<K, Value<16>>(t).Run();
    case o::ValueType::kBig:
      return Scenario<K, Value<200>>(t).Run();
    case o::ValueType::kEmpty:
      return Scenario<K, NoValue>(t).Run();
  }
}

void RunThrowing(const o::Trace& t) {
  if (t.config.key == o::KeyType::kBig) return RunK<Key<200>>(t);
  if (t.config.key == o::KeyType::kInt64) return RunK<Key<16>>(t);
  // Only a text trace can name another key type.
  std::string sig = "gomap divergence: throwing unsupported key type";
  gomap::fuzz::ReportFailure(sig,
                             "ASSERTION FAILURE: " + sig +
                                 "\nthrowing_fuzzer runs key=int64 and key=big traces, not key=" +
                                 std::string(o::Name(t.config.key)) + "\n");
}

gomap::fuzz::TraceTarget Target() {
  gomap::fuzz::TraceTarget t;
  t.decode.key_types = o::Bit(o::KeyType::kInt64) | o::Bit(o::KeyType::kBig);
  t.decode.max_ops = 1024;
  t.run = RunThrowing;
  return t;
}

}  // namespace

GOMAP_TRACE_FUZZ_TARGET(Target)
