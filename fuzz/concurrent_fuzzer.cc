// Concurrent readers of a map stopped mid-growth. Built in every preset; it earns its
// keep in the tsan preset (replay binary, `ctest -L concurrency`) and in a clang
// libFuzzer+TSan build (fuzz/CMakeLists.txt), where ThreadSanitizer must stay silent.
//
// The input is a trace (binary or text), read as a script for one writer and then
// several readers (Go allows any number of goroutines to read and range over a map that
// nobody writes, go-map-semantics §4 item 11):
//  1. Writer phase, this thread. Ops run in order on m0 (handle prefixes are ignored):
//     set, delete, clear, make, nil, delit, setit change it; range, next, drain, break
//     drive up to four iterators over it, judged by Go's iteration rules. The first
//     get, lookup, len or audit met while m0 is growing stops the phase there, leaving
//     the map mid-growth with unevacuated old buckets; otherwise it ends with the trace.
//  2. Reader phase: kReaders readers, no writer, run by this thread and up to three more
//     (kept from input to input; as many more as the CPUs this process may run on, and
//     three under ThreadSanitizer), each taking the next reader not yet taken. Reader i
//     first finishes iterator i if it is still live (it may have begun before the grow
//     and still be reading the old array), then ranges over the whole map twice while
//     reading domain keys between steps (`v, ok := m[k]` and `v := m[k]` in turn),
//     then reads its share of the domain both ways (every kReaders-th key; together
//     the readers cover all 256) and takes len. Everything must agree
//     with the reference model: reads and len exactly (the model's answer for each
//     domain key is taken once, before the readers start), iterations by Go's rules
//     (each entry once, current values, nothing missed).
//  3. Afterwards the header is unchanged — reads never evacuate, so count, B, the
//     growth state, nevacuate and the overflow counts are what the readers found (the
//     sticky iterator flags aside) — and Audit() is clean.
#include <sched.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "gomap/internal/peer.h"
#include "gomap/internal/sanitizers.h"
#include "gomap/map.h"
#include "oracle/hashers.h"
#include "oracle/iter_rules.h"
#include "oracle/literals.h"
#include "oracle/model.h"
#include "oracle/report.h"
#include "oracle/text.h"
#include "oracle/typed.h"

namespace {

namespace o = gomap::oracle;
constexpr int kReaders = 4;  // one per iterator id, so each live iterator has an owner

// The threads that run the readers: the caller of Run and Helpers() threads, started on
// first use and kept for the life of the process (starting threads per input, stacks
// mapped and unmapped with a TLB shootdown per unmap, was a good part of this target's
// time at hundreds of inputs a second).
class ReaderPool {
 public:
  // With the caller, a thread per reader, or per CPU the process may run on if that is
  // fewer: threads beyond that cannot run at the same time as the others, and each one
  // woken costs two context switches per input. On one CPU (a pinned fuzzing job, or
  // scripts/bench.sh's measure) the caller runs the readers alone: corpus inputs took 8%
  // less time (the median of their ratios) than with three helpers taking turns with it
  // there. ThreadSanitizer judges which thread did what, not when, so under it the
  // readers always get threads of their own.
  static int Helpers() {
#ifdef GOMAP_TSAN
    return kReaders - 1;
#else
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof cpus, &cpus) != 0) return kReaders - 1;
    return std::clamp(CPU_COUNT(&cpus) - 1, 0, kReaders - 1);
#endif
  }

  static ReaderPool& Instance() {
    static ReaderPool* pool = new ReaderPool();  // never destroyed: its threads never end
    return *pool;
  }

  // Runs work(0) .. work(kReaders - 1) and returns when every one has returned; one
  // caller at a time. The caller wakes the helpers and starts on the readers itself; each
  // thread takes the next reader not yet taken until none is left, so readers run on two
  // or more threads at once whenever a helper is awake in time (always under TSan, whose
  // readers are slow), and a helper that wakes late finds nothing to do. Every handoff
  // goes through one mutex, which orders the writer phase before every reader and every
  // reader before Run's return, and the waits block at once. (A std::barrier of the
  // caller and four reader threads spun on sched_yield before blocking, and its five
  // threads paid more in handoffs than the readers ran: on one core, the median corpus
  // input took 170 us with it, 153 with this pool, 138 with the readers run one after
  // another.)
  void Run(const std::function<void(int)>& work) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      work_ = &work;
      next_ = 0;
      ++round_;
    }
    wake_.notify_all();
    Take(work);
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return busy_ == 0; });
    work_ = nullptr;
  }

 private:
  ReaderPool() {
    for (int t = Helpers(); t > 0; --t) {
      std::thread([this] {
        for (uint64_t seen = 0;;) {
          const std::function<void(int)>* work;
          {
            std::unique_lock<std::mutex> lock(mu_);
            wake_.wait(lock, [&] { return round_ != seen; });
            seen = round_;
            if (next_ == kReaders) continue;  // the others took every reader
            work = work_;
            ++busy_;
          }
          Take(*work);
          std::lock_guard<std::mutex> lock(mu_);
          if (--busy_ == 0) idle_.notify_one();
        }
      }).detach();
    }
  }

  // Runs the readers not yet taken, one at a time, until none is left.
  void Take(const std::function<void(int)>& work) {
    for (;;) {
      int i;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (next_ == kReaders) return;
        i = next_++;
      }
      work(i);
    }
  }

  std::mutex mu_;
  std::condition_variable wake_, idle_;
  uint64_t round_ = 0;  // Run() calls so far: a helper wakes when it changes
  int next_ = kReaders;  // the next reader to take
  int busy_ = 0;         // helpers inside Take()
  const std::function<void(int)>* work_ = nullptr;
};

struct FatalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class K, class V, class Hash>
class Scenario {
 public:
  using M = gomap::Map<K, V, Hash>;
  using Table = o::ModelTable<K, V>;

  explicit Scenario(const o::Trace& t) : trace_(t), c_(t.config) {}

  void Run() {
    gomap::FatalHandler previous =
        gomap::SetFatalHandler([](const char* msg) { throw FatalError(msg); });
    gomap::SeedRandom(c_.seed);
    if (!c_.nil && !o::HintRefused(c_.hint)) Make(c_.hint);
    try {
      Writer();
    } catch (const std::exception& e) {
      Fail(-1, "writer exception", e.what(), "no exception");
    }
    if (!Failed()) Readers();
    gomap::SetFatalHandler(previous);
    if (failure_) gomap::fuzz::ReportFailure(failure_->sig, Report());
  }

 private:
  struct LiveIter {
    std::optional<typename M::Iter> it;
    std::shared_ptr<const Table> model;  // the table it ranges over (null: nil map)
    o::IterRules<K, V> rules;
    std::optional<K> current;
  };
  struct Failure {
    std::string sig, detail;
  };

  void Make(int64_t hint) {
    if constexpr (std::is_same_v<Hash, o::TestHash<K>>) {
      m_ = M::Make(hint, Hash{c_.hasher});
    } else {
      m_ = M::Make(hint);
    }
    model_ = std::make_shared<Table>();
  }

  bool Failed() const { return has_failure_.load(std::memory_order_acquire); }
  // Asked at every read op of the writer phase, so read off the header: GetStats() walks
  // every chain to count overflow buckets (and faults in every page of a map made with a
  // big hint, most of which nothing else touches).
  bool Growing() const {
    return !m_.IsNil() && gomap::internal::MapPeer::Header(m_)->oldbuckets != nullptr;
  }

  void Set(const K& k, const V& v) {
    bool panicked = false;
    try {
      m_.Set(k, v);
    } catch (const gomap::Panic&) {
      panicked = true;
    }
    if (panicked != !model_) {
      Fail(-1, "writer set panic", panicked ? "panic" : "ok", panicked ? "ok" : "panic");
    }
    if (model_) model_->Set(k, v);
  }

  void Writer() {
    for (stop_ = 0; stop_ < trace_.ops.size(); ++stop_) {
      const o::Op& op = trace_.ops[stop_];
      LiveIter& li = iters_[op.n & 3];
      switch (op.op) {
        case o::OpCode::kSet:
          Set(o::FromLit<K>(op.key), o::FromLit<V>(op.value));
          break;
        case o::OpCode::kDelete:
          m_.Delete(o::FromLit<K>(op.key));
          if (model_) model_->Delete(o::FromLit<K>(op.key));
          break;
        case o::OpCode::kClear:
          m_.Clear();
          if (model_) model_->Clear();
          break;
        case o::OpCode::kMake:
          if (!o::HintRefused(op.n)) Make(op.n);
          break;
        case o::OpCode::kNil:
          m_ = M();
          model_.reset();
          break;
        case o::OpCode::kRange:
          // A live iterator is re-ranged by move assignment (`it = m.Range()`), which
          // must let go of the old table's arrays; a finished one is started afresh.
          if (li.it) {
            *li.it = m_.Range();
          } else {
            li.it.emplace(m_.Range());
          }
          li.current.reset();
          li.model = model_;
          li.rules.Begin(li.model.get());
          break;
        case o::OpCode::kNext:
          Step(-1, li);
          break;
        case o::OpCode::kDrain:
          while (Step(-1, li)) {
          }
          break;
        case o::OpCode::kBreak:
          li = LiveIter();
          break;
        case o::OpCode::kDelIt:
          if (li.current) {
            m_.Delete(*li.current);
            if (model_) model_->Delete(*li.current);
          }
          break;
        case o::OpCode::kSetIt:
          if (li.current) Set(K(*li.current), o::FromLit<V>(op.value));
          break;
        case o::OpCode::kGet:
        case o::OpCode::kLookup:
        case o::OpCode::kLen:
        case o::OpCode::kAudit:
          if (Growing()) return;  // stopped mid-growth
          break;
        case o::OpCode::kAlias:
          break;
      }
      if (Failed()) return;  // stop_ stays on the failing op, for the report
    }
  }

  // One iterator step judged by Go's rules; false at the end (or with no iterator).
  bool Step(int reader, LiveIter& li) {
    if (!li.it) return false;
    if (!li.it->Next()) {
      if (auto missed = li.rules.End(li.model.get()))
        Fail(reader, "next " + missed->aspect, "end", missed->detail);
      li.it.reset();
      li.current.reset();
      return false;
    }
    const K& k = li.it->Key();
    const V& v = li.it->Value();
    if (reader < 0) li.current = k;  // for the writer's delit and setit
    if (auto bad = li.rules.Yield(li.model.get(), k, v)) {
      Fail(reader, "next " + bad->aspect, o::Format(k) + " " + o::Format(v), bad->detail);
      return false;
    }
    return true;
  }

  // What m[k] must give for each domain key while the readers run: the model's entry,
  // or null. The model does not change in the reader phase, so it is asked once per key
  // per input, not at every read.
  void AnswerDomain() {
    const std::vector<K>& domain = Domain(c_.key);
    for (size_t x = 0; x < kDomainSize; ++x) {
      answers_[x] = model_ ? model_->Find(domain[x]) : nullptr;
    }
  }

  // Reads domain key x as `v, ok := m[k]` (comma_ok) or as `v := m[k]`. Values compare
  // as values (int64, Big, Empty: equal exactly when their texts are); texts are built
  // only for a failure.
  void Read(int reader, size_t x, bool comma_ok) {
    const K& k = Domain(c_.key)[x];
    static const V kZero{};
    const auto* e = answers_[x];
    const V& want = e ? e->value : kZero;
    if (comma_ok) {
      auto [v, ok] = m_.Lookup(k);
      if (v == want && ok == (e != nullptr)) return;
      Fail(reader, "lookup", "lookup " + o::Format(k) + " -> " + o::Format(v) + " " + o::Format(ok),
           o::Format(want) + " " + o::Format(e != nullptr));
    } else {
      const V v = m_.Get(k);
      if (v == want) return;
      Fail(reader, "get", "get " + o::Format(k) + " -> " + o::Format(v),
           o::Format(want) + " " + o::Format(e != nullptr));
    }
  }

  // The 256 keys a binary trace can name. Built once per key type (each K is the C++
  // type of exactly one trace key type), not per input.
  static constexpr size_t kDomainSize = 256;
  static const std::vector<K>& Domain(o::KeyType t) {
    static const std::vector<K> domain = [t] {
      std::vector<K> d;
      for (size_t x = 0; x < kDomainSize; ++x) {
        d.push_back(o::FromLit<K>(o::KeyFromByte(t, static_cast<uint8_t>(x))));
      }
      return d;
    }();
    return domain;
  }

  void Reader(int i) {
    size_t x = static_cast<size_t>(i) * 61, reads = 0;
    // Between iteration steps: the next domain key, read one way then the other.
    auto read_next = [&] {
      x = (x + 7) % kDomainSize;
      Read(i, x, ++reads % 2 == 0);
    };
    while (!Failed() && Step(i, iters_[i])) read_next();
    for (int round = 0; round < 2 && !Failed(); ++round) {
      LiveIter li;
      li.it.emplace(m_.Range());
      li.model = model_;
      li.rules.Begin(li.model.get());
      while (!Failed() && Step(i, li)) read_next();
    }
    // The sweep of the whole domain, both ways, is shared out: reader i reads every
    // kReaders-th key, so each key is read once per input instead of once per reader.
    // Every reader still ranges over the whole map and reads keys from all of the domain
    // between its steps, so the readers' accesses overlap as much as before.
    for (size_t k = static_cast<size_t>(i); k < kDomainSize && !Failed(); k += kReaders) {
      Read(i, k, true);
      Read(i, k, false);
    }
    const int64_t want = model_ ? model_->Len() : 0;
    if (m_.Len() != want) Fail(i, "len", std::to_string(m_.Len()), std::to_string(want));
  }

  void Readers() {
    before_ = m_.GetStats();
    AnswerDomain();
    ReaderPool::Instance().Run([this](int i) {
      try {
        Reader(i);
      } catch (const FatalError& e) {
        Fail(i, "fatal error", std::string("fatal error: ") + e.what(), "no fatal error");
      } catch (const std::exception& e) {
        Fail(i, "exception", e.what(), "no exception");
      }
    });
    if (Failed()) return;
    gomap::Stats after = m_.GetStats();
    after.flags = static_cast<uint8_t>(after.flags & ~3);  // iterator bits are sticky
    gomap::Stats want = before_;
    want.flags = static_cast<uint8_t>(want.flags & ~3);
    if (after != want) {  // texts only for the report
      Fail(-1, "readers changed the header", o::FormatStats(after), o::FormatStats(want));
    } else if (auto errs = m_.Audit(); !errs.empty()) {
      Fail(-1, "audit after readers", errs[0], "no broken invariants");
    } else if (const std::string dump = m_.Dump();
               (dump.find("oldbuckets") != std::string::npos) != after.growing ||
               (m_.IsNil() && dump != "nil map\n")) {
      // Every divergence report ends with this dump: it must render a map stopped in any
      // state, the old array exactly while growing.
      Fail(-1, "layout dump", dump, after.growing ? "an oldbuckets section" : "no oldbuckets");
    }
  }

  // First failure wins; readers stop soon after (they poll Failed()).
  void Fail(int reader, const std::string& words, const std::string& got, const std::string& want) {
    std::lock_guard<std::mutex> lock(mu_);
    if (failure_) return;
    std::string who = reader < 0 ? "writer/main thread" : "reader " + std::to_string(reader);
    failure_ = std::make_unique<Failure>(
        Failure{o::Signature("concurrent " + words), who + "\ngot:  " + got + "\nwant: " + want});
    has_failure_.store(true, std::memory_order_release);
  }

  std::string Report() const {
    std::string r = "ASSERTION FAILURE: " + failure_->sig + "\n" + failure_->detail + "\n";
    const bool stopped = stop_ < trace_.ops.size();
    r += "--- text trace: writer ran ops before the marked one, then " + std::to_string(kReaders) +
         " readers ---\n";
    o::PrintOptions po;
    po.max_ops = stopped ? stop_ + 1 : trace_.ops.size();
    po.mark_op = stop_;
    r += o::PrintText(trace_, po);
    r += "--- m0: stats when the readers started ---\n" + o::FormatStats(before_) + "\n";
    r += "--- m0: layout now ---\n" + m_.Dump();
    return r;
  }

  const o::Trace& trace_;
  const o::Config& c_;
  M m_;
  std::shared_ptr<Table> model_;
  std::array<const typename Table::Entry*, kDomainSize> answers_{};  // by domain index
  LiveIter iters_[kReaders];
  size_t stop_ = 0;
  gomap::Stats before_;
  std::mutex mu_;
  std::unique_ptr<Failure> failure_;  // set once under mu_; others poll Failed()
  std::atomic<bool> has_failure_{false};
};

template <class K, class V>
void RunKV(const o::Trace& t) {
  if (t.config.hasher == o::HasherKind::kDefault) {
    Scenario<K, V, gomap::DefaultHash<K>>(t).Run();
  } else {
    Scenario<K, V, o::TestHash<K>>(t).Run();
  }
}

template <class K>
void RunK(const o::Trace& t) {
  switch (t.config.value) {
    case o::ValueType::kInt64:
      return RunKV<K, int64_t>(t);
    case o::ValueType::kBig:
      return RunKV<K, o::Big>(t);
    case o::ValueType::kEmpty:
      return RunKV<K, o::Empty>(t);
  }
}

void RunConcurrent(const o::Trace& t) {
  switch (t.config.key) {
    case o::KeyType::kInt64:
      return RunK<int64_t>(t);
    case o::KeyType::kString:
      return RunK<std::string>(t);
    case o::KeyType::kFloat64:
      return RunK<double>(t);
    case o::KeyType::kBig:
      return RunK<o::Big>(t);
    case o::KeyType::kUint8:
      return RunK<uint8_t>(t);
  }
}

gomap::fuzz::TraceTarget Target() {
  gomap::fuzz::TraceTarget t;
  t.decode.value_types = o::Bit(o::ValueType::kInt64) | o::Bit(o::ValueType::kBig);
  t.decode.max_ops = 1024;
  t.run = RunConcurrent;
  return t;
}

}  // namespace

GOMAP_TRACE_FUZZ_TARGET(Target)
