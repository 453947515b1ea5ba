// Random trace generation; see random_trace.h.
#include "oracle/random_trace.h"

#include <algorithm>
#include <vector>

#include "oracle/literals.h"

namespace gomap::oracle {
namespace {

template <class E>
E Pick(SplitMix64& r, uint32_t mask, int count) {
  std::vector<int> allowed;
  for (int i = 0; i < count; ++i) {
    if (mask & (uint32_t{1} << i)) allowed.push_back(i);
  }
  if (allowed.empty()) return static_cast<E>(0);
  return static_cast<E>(allowed[r.Below(allowed.size())]);
}

// Op weights per workload style, indexed by OpCode.
struct Style {
  int weight[kNumOps];
};

constexpr int W(OpCode op) { return static_cast<int>(op); }

Style MakeStyle(int kind) {
  Style s{};
  auto set = [&](OpCode op, int w) { s.weight[W(op)] = w; };
  // Shared background: reads, len, a little of everything.
  set(OpCode::kGet, 6);
  set(OpCode::kLookup, 4);
  set(OpCode::kLen, 2);
  set(OpCode::kClear, 1);
  set(OpCode::kMake, 1);
  set(OpCode::kNil, 1);
  set(OpCode::kAlias, 1);
  set(OpCode::kAudit, 1);
  set(OpCode::kBreak, 2);
  switch (kind) {
    case 0:  // insert-heavy: grow through several B while iterating
      set(OpCode::kSet, 40);
      set(OpCode::kDelete, 6);
      set(OpCode::kRange, 6);
      set(OpCode::kNext, 14);
      set(OpCode::kDrain, 3);
      set(OpCode::kDelIt, 2);
      set(OpCode::kSetIt, 2);
      break;
    case 1:  // churn at roughly constant size: overflow chains, same-size grows
      set(OpCode::kSet, 30);
      set(OpCode::kDelete, 25);
      set(OpCode::kRange, 4);
      set(OpCode::kNext, 10);
      set(OpCode::kDrain, 2);
      set(OpCode::kDelIt, 4);
      set(OpCode::kSetIt, 2);
      break;
    default:  // iterate-heavy: many iterators, writes in between
      set(OpCode::kSet, 25);
      set(OpCode::kDelete, 8);
      set(OpCode::kRange, 10);
      set(OpCode::kNext, 30);
      set(OpCode::kDrain, 6);
      set(OpCode::kDelIt, 6);
      set(OpCode::kSetIt, 4);
      break;
  }
  return s;
}

OpCode PickOp(SplitMix64& r, const Style& s) {
  int total = 0;
  for (int w : s.weight) total += w;
  int x = static_cast<int>(r.Below(total));
  for (int i = 0; i < kNumOps; ++i) {
    if (x < s.weight[i]) return static_cast<OpCode>(i);
    x -= s.weight[i];
  }
  return OpCode::kLen;
}

int64_t SmallHint(SplitMix64& r) {
  static constexpr int64_t kHints[] = {0, 0, 0, 1, 8, 9, 13, 14, 27, 100, -1, 1000};
  return r.Chance(70) ? kHints[r.Below(std::size(kHints))] : static_cast<int64_t>(r.Below(64));
}

}  // namespace

Trace RandomTrace(uint64_t seed, const RandomTraceOptions& options) {
  SplitMix64 r(seed);
  Trace t;
  Config& c = t.config;
  c.key = Pick<KeyType>(r, options.key_types, kNumKeyTypes);
  c.value = Pick<ValueType>(r, options.value_types, kNumValueTypes);
  uint32_t hashers = options.hashers;
  if ((hashers & Bit(HasherKind::kDefault)) && r.Chance(50)) hashers = Bit(HasherKind::kDefault);
  else if (hashers & ~Bit(HasherKind::kDefault)) hashers &= ~Bit(HasherKind::kDefault);
  c.hasher = Pick<HasherKind>(r, hashers, kNumHashers);
  c.nil = r.Chance(5);
  c.hint = c.nil ? 0 : SmallHint(r);
  c.seed = r.Next() >> 32;

  // The key domain: D byte values from a random permutation, so it mixes the classes of
  // K(x) (short/long/odd strings, special floats, ...). Floats also draw from the special
  // values (NaN, -0, +0, infinities) often.
  static constexpr size_t kDomains[] = {4, 12, 40, 120, 256};
  const size_t domain = kDomains[r.Below(std::size(kDomains))];
  std::vector<uint8_t> bytes(256);
  for (int i = 0; i < 256; ++i) bytes[i] = static_cast<uint8_t>(i);
  for (int i = 255; i > 0; --i) std::swap(bytes[i], bytes[r.Below(i + 1)]);
  // Floats draw from the special values (NaN, -0, +0, infinities) often; some traces
  // are NaN-rich, since every NaN insert is a new entry that only iteration can reach.
  const int float_special_percent =
      c.key != KeyType::kFloat64 ? 0 : r.Chance(30) ? 0 : r.Chance(30) ? 60 : 25;
  auto key = [&]() {
    if (r.Chance(float_special_percent)) return KeyFromByte(c.key, 0xF0 + r.Below(16));
    return KeyFromByte(c.key, bytes[r.Below(domain)]);
  };
  auto value = [&]() { return ValueFromInt16(c.value, static_cast<int16_t>(r.Next())); };
  auto iter_id = [&]() { return static_cast<int64_t>(r.Chance(60) ? r.Below(2) : r.Below(4)); };
  auto make_op = [&](OpCode code) {
    Op op;
    op.op = code;
    const OpInfo& info = Info(op.op);
    if (info.uses_handle && r.Chance(10)) op.handle = static_cast<uint8_t>(1 + r.Below(3));
    switch (info.operands) {
      case Operands::kNone:
        break;
      case Operands::kKey:
        op.key = key();
        break;
      case Operands::kKeyValue:
        op.key = key();
        op.value = value();
        break;
      case Operands::kHint:
        op.n = SmallHint(r);
        break;
      case Operands::kIter:
        op.n = iter_id();
        break;
      case Operands::kIterValue:
        op.n = iter_id();
        op.value = value();
        break;
      case Operands::kHandle:
        op.n = static_cast<int64_t>(r.Below(kNumHandles));
        break;
    }
    return op;
  };

  const size_t n = options.min_ops + r.Below(options.max_ops - options.min_ops + 1);
  const int kind = static_cast<int>(r.Below(4));
  if (kind < 3) {
    const Style style = MakeStyle(kind);
    while (t.ops.size() < n) t.ops.push_back(make_op(PickOp(r, style)));
  } else {
    // Grow while iterating: bursts of inserts (some end just past a growth threshold, so
    // the grow is still in progress), then an iterator stepped with writes between its
    // steps (each write evacuates), then run to the end, where missed entries show.
    while (t.ops.size() < n) {
      for (size_t k = 1 + r.Below(40); k > 0; --k) t.ops.push_back(make_op(OpCode::kSet));
      Op range = make_op(OpCode::kRange);
      const int64_t it = range.n;
      t.ops.push_back(range);
      for (size_t k = r.Below(12); k > 0; --k) {
        Op next = make_op(OpCode::kNext);
        next.n = it;
        t.ops.push_back(next);
        if (r.Chance(70)) t.ops.push_back(make_op(r.Chance(75) ? OpCode::kSet : OpCode::kDelete));
      }
      Op drain = make_op(OpCode::kDrain);
      drain.n = it;
      t.ops.push_back(drain);
      if (r.Chance(10)) t.ops.push_back(make_op(r.Chance(50) ? OpCode::kClear : OpCode::kMake));
    }
    t.ops.resize(n);
  }
  return t;
}

}  // namespace gomap::oracle
