// The executor for one (key type, value type, hasher) instantiation. Each op is one
// Do<Op> member (dispatch generated from ops.def) that runs the runtime step, runs the
// model step, and compares the two observations. Rules that are not observations
// (iteration, growth, Audit) are checked around them. The first divergence stops the
// run; Run() then builds the report (report.h).
//
// Instantiated in exec_<keytype>.cc; private to oracle/.
#ifndef GOMAP_ORACLE_EXECUTOR_IMPL_H_
#define GOMAP_ORACLE_EXECUTOR_IMPL_H_

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "gomap/internal/peer.h"
#include "gomap/map.h"
#include "oracle/executor.h"
#include "oracle/hashers.h"
#include "oracle/iter_rules.h"
#include "oracle/model.h"
#include "oracle/report.h"
#include "oracle/text.h"
#include "oracle/typed.h"

namespace gomap::oracle {

// Go's overLoadFactor(count, B): count > 8 && count > 13 * (2^B / 2).
inline bool OverLoadFactor(int64_t count, int B) {
  return count > 8 && static_cast<uint64_t>(count) > 13 * ((uint64_t{1} << B) / 2);
}

// B of make(map, hint) in Go (go-map-semantics §3.2), for hints the executor runs.
inline int ExpectedB(int64_t hint) {
  if (hint < 0 || hint > kHugeHint) return 0;
  int B = 0;
  while (OverLoadFactor(hint, B)) ++B;
  return B;
}

// Thrown by the fatal handler the executor installs, so a Go fatal error becomes a
// reported divergence instead of an anonymous abort.
struct FatalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ScopedFatalHandler {
 public:
  ScopedFatalHandler() : previous_(SetFatalHandler([](const char* msg) {
                           throw FatalError(msg);
                         })) {}
  ~ScopedFatalHandler() { SetFatalHandler(previous_); }
  ScopedFatalHandler(const ScopedFatalHandler&) = delete;
  ScopedFatalHandler& operator=(const ScopedFatalHandler&) = delete;

 private:
  FatalHandler previous_;
};

template <class K, class V, class Hash>
class Executor {
 public:
  using M = Map<K, V, Hash>;
  using Table = ModelTable<K, V>;

  Executor(const Trace& trace, const ExecOptions& options)
      : trace_(trace), c_(trace.config), o_(options) {}

  RunResult Run() {
    ScopedFatalHandler fatal_guard;
    SeedRandom(c_.seed);
    if (!c_.nil && !HintRefused(c_.hint)) {
      handles_[0].map = MakeMap(c_.hint);
      handles_[0].model = std::make_shared<Table>();
    }
    // One result per op: one allocation, not a doubling series of them (under ASan each
    // lands on fresh memory and is pattern-filled: 6% of grow_iter's median input).
    results_.reserve(trace_.ops.size());
    for (size_t i = 0; i < trace_.ops.size() && !failure_; ++i) {
      const Op& op = trace_.ops[i];
      op_index_ = i;
      inserted_ = false;
      const Before before = Snapshot(op);
      std::string result;
      try {
        result = Dispatch(op);
        if (!failure_) CheckAfter(op, before);
      } catch (const Panic& p) {
        result = std::string("panic: ") + p.what();
        Fail(op, "unexpected panic", ObservationLine(c_, op, result), "no panic");
      } catch (const FatalError& f) {
        result = std::string("fatal error: ") + f.what();
        Fail(op, "fatal error", ObservationLine(c_, op, result), "no fatal error");
      } catch (const std::exception& e) {
        result = std::string("exception: ") + e.what();
        Fail(op, "unexpected exception", ObservationLine(c_, op, result), "no exception");
      }
      results_.push_back(std::move(result));
      if (!failure_) ++ops_run_;
    }
    if (!failure_) {
      op_index_ = trace_.ops.size();
      for (int h = 0; h < kNumHandles && !failure_; ++h) AuditMap(nullptr, handles_[h].map);
    }
    return Finish();
  }

 private:
  struct Handle {
    M map;  // nil when the handle is nil
    std::shared_ptr<Table> model;
  };
  struct LiveIter {
    std::optional<typename M::Iter> it;  // empty: never started, broken or finished
    M map;                               // the map it ranges over, for reports
    std::shared_ptr<Table> model;        // its table in the model (null: nil map)
    IterRules<K, V> rules;
    std::optional<K> current;            // last key produced (delit / setit)
  };
  struct Before {
    const internal::HMap* h = nullptr;
    int B = 0;
    int64_t count = 0;
    bool growing = false;
  };
  struct Failure {
    std::string signature, got, want;
    M map;
    std::string map_name;
  };

  M MakeMap(int64_t hint) {
    if constexpr (std::is_same_v<Hash, TestHash<K>>) {
      return M::Make(hint, Hash{c_.hasher});
    } else {
      return M::Make(hint);
    }
  }

  std::string Dispatch(const Op& op) {
    switch (op.op) {
#define GOMAP_OP(name, text, code, operands, handle, mutates) \
  case OpCode::k##name:                                       \
    return Do##name(op);
#include "oracle/ops.def"
#undef GOMAP_OP
    }
    return "?";
  }

  Handle& H(const Op& op) { return handles_[op.handle]; }
  static K Key(const Op& op) { return FromLit<K>(op.key); }
  static V Value(const Op& op) { return FromLit<V>(op.value); }
  std::string Name(const Op& op) const { return std::string(Info(op.op).text); }

  // ---- the ops: runtime step, model step, comparison --------------------------------

  std::string DoMake(const Op& op) {
    if (HintRefused(op.n)) return "skipped";
    H(op).map = MakeMap(op.n);
    H(op).model = std::make_shared<Table>();
    if (o_.check_growth) {
      int got = internal::MapPeer::Header(H(op).map)->B;
      if (got != ExpectedB(op.n)) {
        Fail(op, "make buckets", "B=" + std::to_string(got),
             "B=" + std::to_string(ExpectedB(op.n)) + " (Go's B for this hint)");
      }
    }
    return "ok";
  }

  std::string DoNil(const Op& op) {
    H(op) = Handle();
    return "ok";
  }

  std::string DoAlias(const Op& op) {
    handles_[op.n] = H(op);
    return "ok";
  }

  std::string DoSet(const Op& op) { return SetKey(op, Key(op), Value(op)); }

  std::string SetKey(const Op& op, const K& k, const V& v) {
    static const std::string kOk = "ok", kNilPanic = "panic: assignment to entry in nil map";
    std::string got = kOk;
    try {
      H(op).map.Set(k, v);
    } catch (const Panic& p) {
      got = std::string("panic: ") + p.what();
    }
    if (H(op).model) inserted_ = H(op).model->Set(k, v);
    const std::string& want = H(op).model ? kOk : kNilPanic;
    bool panics = got.starts_with("panic") || want.starts_with("panic");
    Compare(op, panics ? "panic" : "result", got, want);
    return got;
  }

  std::string DoGet(const Op& op) {
    std::string got = Format(H(op).map.Get(Key(op)));
    const auto* e = H(op).model ? H(op).model->Find(Key(op)) : nullptr;
    Compare(op, "value", got, Format(e ? e->value : V()));
    return got;
  }

  std::string DoLookup(const Op& op) {
    auto [v, ok] = H(op).map.Lookup(Key(op));
    std::string got = Format(v) + " " + Format(ok);
    const auto* e = H(op).model ? H(op).model->Find(Key(op)) : nullptr;
    Compare(op, "result", got, Format(e ? e->value : V()) + " " + Format(e != nullptr));
    return got;
  }

  std::string DoDelete(const Op& op) {
    H(op).map.Delete(Key(op));
    if (H(op).model) H(op).model->Delete(Key(op));
    return "ok";
  }

  std::string DoLen(const Op& op) {
    std::string got = Format(H(op).map.Len());
    Compare(op, "value", got, Format(H(op).model ? H(op).model->Len() : int64_t{0}));
    return got;
  }

  std::string DoClear(const Op& op) {
    H(op).map.Clear();
    if (H(op).model) H(op).model->Clear();
    return "ok";
  }

  std::string DoRange(const Op& op) {
    LiveIter& li = iters_[op.n];
    li.it.reset();  // range on a live id abandons the old iterator first
    li.current.reset();
    li.map = H(op).map;
    li.model = H(op).model;
    li.it.emplace(H(op).map.Range());
    li.rules.Begin(li.model.get());
    return "ok";
  }

  std::string DoNext(const Op& op) { return Step(op, iters_[op.n]); }

  std::string DoBreak(const Op& op) {
    LiveIter& li = iters_[op.n];
    li.it.reset();
    li.current.reset();
    li.map = M();
    li.model.reset();
    return "ok";
  }

  std::string DoDrain(const Op& op) {
    std::vector<std::string> produced;
    for (;;) {
      std::string r = Step(op, iters_[op.n]);
      if (r == "end" || failure_) break;
      produced.push_back(std::move(r));
    }
    std::sort(produced.begin(), produced.end());
    std::string out = "[";
    for (size_t i = 0; i < produced.size(); ++i) out += (i ? ", " : "") + produced[i];
    return out + "]";
  }

  std::string DoDelIt(const Op& op) {
    const std::optional<K>& k = iters_[op.n].current;
    if (!k) return "none";
    const K key = *k;
    H(op).map.Delete(key);
    if (H(op).model) H(op).model->Delete(key);
    return "ok";
  }

  std::string DoSetIt(const Op& op) {
    const std::optional<K>& k = iters_[op.n].current;
    if (!k) return "none";
    return SetKey(op, K(*k), Value(op));
  }

  std::string DoAudit(const Op& op) {
    AuditMap(&op, H(op).map);
    return "ok";
  }

  // ---- rules that are not observations ----------------------------------------------

  // One step of an iterator, judged by Go's iteration rules.
  std::string Step(const Op& op, LiveIter& li) {
    if (!li.it) return "end";
    if (!li.it->Next()) {
      auto missed = li.rules.End(li.model.get());
      li.it.reset();
      li.current.reset();
      if (missed) {
        Fail(op, Name(op) + " " + missed->aspect, ObservationLine(c_, op, "end"),
             missed->detail, &li.map, "iterator map");
      }
      return "end";
    }
    // Key()/Value() are valid only until the next write: copy them at once.
    K k = li.it->Key();
    V v = li.it->Value();
    li.current = k;
    std::string text = Format(k) + " " + Format(v);
    if (auto bad = li.rules.Yield(li.model.get(), k, v)) {
      Fail(op, Name(op) + " " + bad->aspect, ObservationLine(c_, op, text), bad->detail,
           &li.map, "iterator map");
    }
    return text;
  }

  Before Snapshot(const Op& op) {
    Before b;
    if (!Info(op.op).uses_handle || H(op).map.IsNil()) return b;
    b.h = internal::MapPeer::Header(H(op).map);
    b.B = b.h->B;
    b.count = b.h->count;
    b.growing = b.h->oldbuckets != nullptr;
    return b;
  }

  // After an op on a handle whose table stayed the same: count agrees with the model,
  // B follows Go's growth rule, and Audit() is clean every audit_stride mutations.
  void CheckAfter(const Op& op, const Before& b) {
    if (!Info(op.op).uses_handle || H(op).map.IsNil()) return;
    const internal::HMap* h = internal::MapPeer::Header(H(op).map);
    if (h == b.h) {
      if (H(op).model && h->count != H(op).model->Len()) {
        Fail(op, "count", "count=" + std::to_string(h->count),
             "count=" + std::to_string(H(op).model->Len()) + " (entries in the model)");
        return;
      }
      if (o_.check_growth) CheckGrowth(op, b, h->B);
    }
    if (!Info(op.op).mutates || o_.audit_stride <= 0) return;
    uint64_t stride = static_cast<uint64_t>(o_.audit_stride);
    bool growth_event = false;
    if (o_.audit_amortized) {
      stride = std::max(stride, (uint64_t{1} << h->B) / 4);
      growth_event = h == b.h && (b.growing != (h->oldbuckets != nullptr) || b.B != h->B);
    }
    if (++since_audit_ >= stride || growth_event) {
      since_audit_ = 0;
      AuditMap(&op, H(op).map);
    }
  }

  // Only inserting an absent key can start a grow; it must when the map is not growing
  // and count+1 is over the load factor; only a doubling grow changes B.
  void CheckGrowth(const Op& op, const Before& b, int after) {
    std::string want;
    if (inserted_ && OverLoadFactor(b.count + 1, b.B)) {
      if (!b.growing && after != b.B + 1) {
        want = "B=" + std::to_string(b.B + 1) + " (count " + std::to_string(b.count + 1) +
               " is over the load factor of B=" + std::to_string(b.B) + ")";
      } else if (b.growing && after != b.B && after != b.B + 1) {
        want = "B=" + std::to_string(b.B) + " or " + std::to_string(b.B + 1);
      }
    } else if (after != b.B) {
      want = "B=" + std::to_string(b.B) + (inserted_ ? " (under the load factor)"
                                                     : " (only new keys grow a map)");
    }
    if (!want.empty()) {
      Fail(op, "growth trigger", "B=" + std::to_string(after) + " after " + OpText(c_, op),
           want);
    }
  }

  void AuditMap(const Op* op, const M& m) {
    if (m.IsNil()) return;
    std::vector<std::string> errs = m.Audit();
    if (errs.empty()) return;
    std::string got;
    for (const std::string& e : errs) got += (got.empty() ? "" : "\n      ") + e;
    Fail(op, "audit " + errs[0], got, "no broken invariants", &m, "audited map");
  }

  void Compare(const Op& op, const char* aspect, const std::string& got,
               const std::string& want) {
    if (got != want) {
      Fail(op, Name(op) + " " + aspect, ObservationLine(c_, op, got),
           ObservationLine(c_, op, want));
    }
  }

  // Records the first divergence; Run() stops after the current op.
  void Fail(const Op* op, const std::string& words, std::string got, std::string want,
            const M* map = nullptr, const char* map_name = nullptr) {
    if (failure_) return;
    failure_.emplace();
    failure_->signature = Signature(words);
    failure_->got = std::move(got);
    failure_->want = std::move(want);
    if (map) {
      failure_->map = *map;
      failure_->map_name = map_name;
    } else if (op && Info(op->op).uses_handle) {
      failure_->map = handles_[op->handle].map;
      failure_->map_name = "m" + std::to_string(op->handle);
    }
  }
  void Fail(const Op& op, const std::string& words, std::string got, std::string want,
            const M* map = nullptr, const char* map_name = nullptr) {
    Fail(&op, words, std::move(got), std::move(want), map, map_name);
  }

  RunResult Finish() {
    RunResult r;
    r.ops_run = ops_run_;
    if (o_.record) {
      r.observations.reserve(results_.size());
      for (size_t i = 0; i < results_.size(); ++i) {
        r.observations.push_back(ObservationLine(c_, trace_.ops[i], results_[i]));
      }
    }
    if (!failure_) return r;
    r.ok = false;
    r.failed_op = op_index_;
    r.signature = failure_->signature;
    ReportParts p;
    p.signature = failure_->signature;
    p.failed_op = op_index_;
    p.got = failure_->got;
    p.want = failure_->want;
    p.trace = &trace_;
    p.results = &results_;
    if (!failure_->map.IsNil()) {
      p.map_name = failure_->map_name;
      p.stats = FormatStats(failure_->map.GetStats());
      p.dump = failure_->map.Dump();
    }
    r.report = BuildReport(p);
    if (o_.on_failure == OnFailure::kAbort) {
      std::fputs(r.report.c_str(), o_.report_to ? o_.report_to : stderr);
      std::fflush(o_.report_to ? o_.report_to : stderr);
      std::abort();
    }
    return r;
  }

  const Trace& trace_;
  const Config& c_;
  const ExecOptions& o_;
  std::array<Handle, kNumHandles> handles_;
  std::array<LiveIter, kNumIterators> iters_;
  std::vector<std::string> results_;
  std::optional<Failure> failure_;
  size_t op_index_ = 0;
  size_t ops_run_ = 0;
  uint64_t since_audit_ = 0;  // mutating ops since the last stride audit
  bool inserted_ = false;  // the current op added an entry (model's verdict)
};

// Runs `trace` with key type K: picks the value type and hasher instantiation.
template <class K>
RunResult ExecuteWithKey(const Trace& trace, const ExecOptions& options) {
  auto run = [&](auto value_tag) {
    using V = decltype(value_tag);
    if (trace.config.hasher == HasherKind::kDefault) {
      return Executor<K, V, DefaultHash<K>>(trace, options).Run();
    }
    return Executor<K, V, TestHash<K>>(trace, options).Run();
  };
  switch (trace.config.value) {
    case ValueType::kInt64:
      return run(int64_t{});
    case ValueType::kBig:
      return run(Big{});
    case ValueType::kEmpty:
      return run(Empty{});
  }
  return RunResult();
}

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_EXECUTOR_IMPL_H_
