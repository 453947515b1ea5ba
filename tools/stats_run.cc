// See stats_run.h. Every case of Do() mirrors the executor's Do<Op> in
// oracle/executor_impl.h call for call; the model, audits and checks are left out
// (they never touch the runtime's random generator). If the two ever drift apart,
// gomap-observe -b reports the run as not reproducible instead of printing wrong B values.
#include "tools/stats_run.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "gomap/map.h"
#include "oracle/hashers.h"
#include "oracle/typed.h"

namespace gomap::tools {
namespace {

using oracle::Config;
using oracle::Op;
using oracle::OpCode;
using oracle::Trace;

// Go's overLoadFactor(count, B): count > 8 && count > 13 * (2^B / 2).
bool OverLoadFactor(int64_t count, int B) {
  return count > 8 && static_cast<uint64_t>(count) > 13 * ((uint64_t{1} << B) / 2);
}

// Go's tooManyOverflowBuckets(noverflow, B): the same-size grow trigger.
bool TooManyOverflowBuckets(uint16_t noverflow, int B) {
  if (B > 15) B = 15;
  return noverflow >= (uint16_t{1} << (B & 15));
}

template <class K, class V, class Hash>
class StatsRun {
 public:
  using M = Map<K, V, Hash>;

  explicit StatsRun(const Trace& trace) : trace_(trace), c_(trace.config) {}

  std::vector<OpStats> Run() {
    SeedRandom(c_.seed);
    if (!c_.nil && !oracle::HintRefused(c_.hint)) maps_[0] = MakeMap(c_.hint);
    std::vector<OpStats> out;
    out.reserve(trace_.ops.size());
    for (const Op& op : trace_.ops) {
      OpStats s;
      const bool on_map = oracle::Info(op.op).uses_handle && !maps_[op.handle].IsNil();
      const Stats before = on_map ? maps_[op.handle].GetStats() : Stats();
      const M before_map = on_map ? maps_[op.handle] : M();
      s.result = Do(op);
      if ((op.op == OpCode::kSet || op.op == OpCode::kSetIt) && on_map) {
        s.same_size_grow_started = SameSizeGrowStarted(before, before_map.GetStats());
      }
      for (int h = 0; h < oracle::kNumHandles; ++h) {
        if (!maps_[h].IsNil()) s.B[h] = maps_[h].GetStats().B;
      }
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  struct LiveIter {
    std::optional<typename M::Iter> it;
    std::optional<K> current;
  };

  // Go's mapassign starts a grow for a new key when `!growing && (overLoadFactor(count+1,
  // B) || tooManyOverflowBuckets(noverflow, B))`; it is same-size when the load factor is
  // not the reason. The grow can also finish within the op, so the rule is applied to the
  // header before the op; a same-size grow seen in progress afterwards counts too.
  static bool SameSizeGrowStarted(const Stats& before, const Stats& after) {
    const bool by_rule = after.count == before.count + 1 && !before.growing &&
                         !OverLoadFactor(before.count + 1, before.B) &&
                         TooManyOverflowBuckets(before.noverflow, before.B);
    const bool seen = !before.growing && after.growing && after.same_size_grow;
    return by_rule || seen;
  }

  M MakeMap(int64_t hint) {
    if constexpr (std::is_same_v<Hash, oracle::TestHash<K>>) {
      return M::Make(hint, Hash{c_.hasher});
    } else {
      return M::Make(hint);
    }
  }

  std::string SetKey(M& m, const K& k, V v) {
    try {
      m.Set(k, std::move(v));
    } catch (const Panic& p) {
      return std::string("panic: ") + p.what();
    }
    return "ok";
  }

  std::string Step(LiveIter& li) {
    if (!li.it) return "end";
    if (!li.it->Next()) {
      li.it.reset();
      li.current.reset();
      return "end";
    }
    K k = li.it->Key();
    V v = li.it->Value();
    li.current = k;
    return oracle::Format(k) + " " + oracle::Format(v);
  }

  std::string Do(const Op& op) {
    M& m = maps_[op.handle];
    auto key = [&] { return oracle::FromLit<K>(op.key); };
    auto value = [&] { return oracle::FromLit<V>(op.value); };
    switch (op.op) {
      case OpCode::kMake:
        if (oracle::HintRefused(op.n)) return "skipped";
        m = MakeMap(op.n);
        return "ok";
      case OpCode::kNil:
        m = M();
        return "ok";
      case OpCode::kAlias:
        maps_[op.n] = m;
        return "ok";
      case OpCode::kSet:
        return SetKey(m, key(), value());
      case OpCode::kGet:
        return oracle::Format(m.Get(key()));
      case OpCode::kLookup: {
        auto [v, ok] = m.Lookup(key());
        return oracle::Format(v) + " " + oracle::Format(ok);
      }
      case OpCode::kDelete:
        m.Delete(key());
        return "ok";
      case OpCode::kLen:
        return oracle::Format(m.Len());
      case OpCode::kClear:
        m.Clear();
        return "ok";
      case OpCode::kRange: {
        LiveIter& li = iters_[op.n];
        li.it.reset();
        li.current.reset();
        li.it.emplace(m.Range());
        return "ok";
      }
      case OpCode::kNext:
        return Step(iters_[op.n]);
      case OpCode::kBreak:
        iters_[op.n].it.reset();
        iters_[op.n].current.reset();
        return "ok";
      case OpCode::kDrain: {
        std::vector<std::string> produced;
        for (;;) {
          std::string r = Step(iters_[op.n]);
          if (r == "end") break;
          produced.push_back(std::move(r));
        }
        std::sort(produced.begin(), produced.end());
        std::string out = "[";
        for (size_t i = 0; i < produced.size(); ++i) out += (i ? ", " : "") + produced[i];
        return out + "]";
      }
      case OpCode::kDelIt: {
        if (!iters_[op.n].current) return "none";
        const K k = *iters_[op.n].current;
        m.Delete(k);
        return "ok";
      }
      case OpCode::kSetIt: {
        if (!iters_[op.n].current) return "none";
        const K k = *iters_[op.n].current;
        return SetKey(m, k, value());
      }
      case OpCode::kAudit:
        return "ok";
    }
    return "?";
  }

  const Trace& trace_;
  const Config& c_;
  std::array<M, oracle::kNumHandles> maps_;
  std::array<LiveIter, oracle::kNumIterators> iters_;
};

template <class K>
std::vector<OpStats> RunWithKey(const Trace& trace) {
  auto run = [&](auto value_tag) {
    using V = decltype(value_tag);
    if (trace.config.hasher == oracle::HasherKind::kDefault) {
      return StatsRun<K, V, DefaultHash<K>>(trace).Run();
    }
    return StatsRun<K, V, oracle::TestHash<K>>(trace).Run();
  };
  switch (trace.config.value) {
    case oracle::ValueType::kInt64:
      return run(int64_t{});
    case oracle::ValueType::kBig:
      return run(oracle::Big{});
    case oracle::ValueType::kEmpty:
      return run(oracle::Empty{});
  }
  return {};
}

}  // namespace

std::vector<OpStats> RunForStats(const Trace& trace) {
  switch (trace.config.key) {
    case oracle::KeyType::kInt64:
      return RunWithKey<int64_t>(trace);
    case oracle::KeyType::kString:
      return RunWithKey<std::string>(trace);
    case oracle::KeyType::kFloat64:
      return RunWithKey<double>(trace);
    case oracle::KeyType::kBig:
      return RunWithKey<oracle::Big>(trace);
    case oracle::KeyType::kUint8:
      return RunWithKey<uint8_t>(trace);
  }
  return {};
}

std::string BSuffix(const OpStats& s) {
  std::string out = " B=";
  for (int h = 0; h < oracle::kNumHandles; ++h) {
    if (h) out += ',';
    out += s.B[h] ? std::to_string(*s.B[h]) : "-";
  }
  if (s.same_size_grow_started) out += " samesize";
  return out;
}

}  // namespace gomap::tools
