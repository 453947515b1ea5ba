// Stateful RapidCheck properties: the reference model (oracle/model.h) is the model and
// gomap::Map is the system under test. Commands are the trace language's ops on one map
// with two iterators; every command compares its observation with the model's, checks
// Go's iteration rules, and audits the map after writes.
//
// A failure prints the shrunk command sequence as a text trace (FORMAT.md) that the
// repro tool replays, and RapidCheck prints the RC_PARAMS that rerun it.
#include <array>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include "gomap/map.h"
#include "oracle/hashers.h"
#include "oracle/iter_rules.h"
#include "oracle/literals.h"
#include "oracle/model.h"
#include "oracle/text.h"
#include "oracle/typed.h"

namespace gomap::oracle {
namespace {

constexpr int kIters = 2;

template <class K, class V>
struct Model {
  bool nil = false;
  ModelTable<K, V> table;
  const ModelTable<K, V>* Table() const { return nil ? nullptr : &table; }
};

template <class K, class V, class Hash>
struct Sut {
  using M = Map<K, V, Hash>;
  struct Iter {
    std::optional<typename M::Iter> it;
    IterRules<K, V> rules;
  };
  Config config;
  M map;
  std::array<Iter, kIters> iters;
  std::vector<Op> ops;  // what ran so far, for the counterexample

  M Make(int64_t hint) {
    if constexpr (std::is_same_v<Hash, TestHash<K>>) {
      return M::Make(hint, Hash{config.hasher});
    } else {
      return M::Make(hint);
    }
  }
  std::string TraceText() const { return PrintText(Trace{config, ops}); }
};

// Fails the property with the message, the trace so far and the map's layout.
template <class S>
void Check(bool ok, const S& sut, const std::string& what) {
  if (ok) return;
  RC_FAIL(what + "\n--- text trace (replay it with the repro tool) ---\n" + sut.TraceText() +
          "--- map ---\n" + sut.map.Dump());
}

// Keys from the binary domains (FORMAT.md §3.2), biased to small domains and, for
// floats, to NaN, -0 and +0.
template <class K>
rc::Gen<K> GenKey() {
  constexpr KeyType kt = KeyTypeOf<K>();
  rc::Gen<int> x = rc::gen::inRange(0, 256);
  if constexpr (kt == KeyType::kFloat64) {
    x = rc::gen::weightedOneOf<int>({{3, rc::gen::inRange(0x70, 0x80)},
                                     {2, rc::gen::inRange(0xF0, 0x100)},
                                     {1, rc::gen::inRange(0, 0xF0)}});
  } else if constexpr (kt != KeyType::kUint8) {
    x = rc::gen::weightedOneOf<int>({{1, rc::gen::inRange(0, 24)}, {1, rc::gen::inRange(0, 256)}});
  }
  return rc::gen::map(x, [](int b) { return FromLit<K>(KeyFromByte(kt, static_cast<uint8_t>(b))); });
}

template <class V>
rc::Gen<V> GenValue() {
  return rc::gen::map(rc::gen::inRange(-1000, 1000), [](int n) {
    return FromLit<V>(ValueFromInt16(ValueTypeOf<V>(), static_cast<int16_t>(n)));
  });
}

// One command per trace op; the op is drawn with weights that let maps grow through
// several B between the rare resets (clear, make, nil).
template <class K, class V, class Hash>
struct OpCmd : rc::state::Command<Model<K, V>, Sut<K, V, Hash>> {
  using S = Sut<K, V, Hash>;
  using Mod = Model<K, V>;
  Op op;

  OpCmd() {
    op.op = *rc::gen::weightedElement<OpCode>({{80, OpCode::kSet},
                                                {16, OpCode::kLookup},
                                                {24, OpCode::kDelete},
                                                {1, OpCode::kClear},
                                                {2, OpCode::kMake},
                                                {1, OpCode::kNil},
                                                {10, OpCode::kRange},
                                                {30, OpCode::kNext},
                                                {5, OpCode::kDrain}});
    switch (Info(op.op).operands) {
      case Operands::kKeyValue:
        op.value = ToLit(*GenValue<V>());
        [[fallthrough]];
      case Operands::kKey:
        op.key = ToLit(*GenKey<K>());
        break;
      case Operands::kHint:
        op.n = *rc::gen::element<int64_t>(0, 0, 8, 9, 100, -1);
        break;
      case Operands::kIter:
        op.n = *rc::gen::inRange(0, kIters);
        break;
      default:
        break;
    }
  }

  void show(std::ostream& os) const override {
    Config c;
    c.key = KeyTypeOf<K>();
    c.value = ValueTypeOf<V>();
    os << OpText(c, op);
  }

  // The model step.
  void apply(Mod& s) const override {
    switch (op.op) {
      case OpCode::kSet:
        if (!s.nil) s.table.Set(Key(), Value());
        break;
      case OpCode::kDelete:
        if (!s.nil) s.table.Delete(Key());
        break;
      case OpCode::kClear:
        s.table.Clear();
        break;
      case OpCode::kMake:
      case OpCode::kNil:
        s.nil = op.op == OpCode::kNil;
        s.table = ModelTable<K, V>();
        break;
      default:
        break;
    }
  }

  // The real step, compared with the model (s0 is the state before the command).
  void run(const Mod& s0, S& sut) const override {
    sut.ops.push_back(op);
    switch (op.op) {
      case OpCode::kSet: {
        bool panicked = false;
        try {
          sut.map.Set(Key(), Value());
        } catch (const Panic& p) {
          panicked = std::string(p.what()) == "assignment to entry in nil map";
        }
        Check(panicked == s0.nil, sut, s0.nil ? "set on a nil map did not panic" : "set panicked");
        break;
      }
      case OpCode::kLookup: {
        auto [v, ok] = sut.map.Lookup(Key());
        const auto* e = s0.Table() ? s0.Table()->Find(Key()) : nullptr;
        Check(ok == (e != nullptr) && v == (e ? e->value : V()), sut,
              "lookup: got " + Format(v) + " " + Format(ok) + ", want " +
                  Format(e ? e->value : V()) + " " + Format(e != nullptr));
        Check(sut.map.Get(Key()) == v, sut, "get and lookup disagree");
        break;
      }
      case OpCode::kDelete:
        sut.map.Delete(Key());
        break;
      case OpCode::kClear:
        sut.map.Clear();
        break;
      case OpCode::kMake:
      case OpCode::kNil:
        // The model follows only the current table: break live iterators first, and say
        // so in the trace, so that it replays exactly.
        sut.ops.pop_back();
        for (int i = 0; i < kIters; ++i) {
          if (!sut.iters[i].it) continue;
          sut.iters[i].it.reset();
          Op b;
          b.op = OpCode::kBreak;
          b.n = i;
          sut.ops.push_back(b);
        }
        sut.ops.push_back(op);
        sut.map = op.op == OpCode::kNil ? typename S::M() : sut.Make(op.n);
        break;
      case OpCode::kRange: {
        auto& it = sut.iters[op.n];
        it.it.reset();
        it.it.emplace(sut.map.Range());
        it.rules.Begin(s0.Table());
        break;
      }
      case OpCode::kNext:
      case OpCode::kDrain:
        Step(s0, sut);
        break;
      default:
        break;
    }
    if (Info(op.op).mutates) {
      auto errs = sut.map.Audit();
      Check(errs.empty(), sut, "audit: " + (errs.empty() ? "" : errs[0]));
      Mod s1 = this->nextState(s0);
      Check(sut.map.Len() == (s1.nil ? 0 : s1.table.Len()), sut, "len differs from the model");
    }
  }

  void Step(const Mod& s0, S& sut) const {
    auto& it = sut.iters[op.n];
    do {
      if (!it.it) return;
      if (!it.it->Next()) {
        it.it.reset();
        auto bad = it.rules.End(s0.Table());
        Check(!bad, sut, "iteration end: " + (bad ? bad->aspect + ": " + bad->detail : ""));
        return;
      }
      K k = it.it->Key();
      V v = it.it->Value();
      auto bad = it.rules.Yield(s0.Table(), k, v);
      Check(!bad, sut,
            "iteration produced " + Format(k) + " " + Format(v) + ": " +
                (bad ? bad->aspect + ", want " + bad->detail : ""));
    } while (op.op == OpCode::kDrain);
  }

  K Key() const { return FromLit<K>(op.key); }
  V Value() const { return FromLit<V>(op.value); }
};

// Stateful property for one configuration.
template <class K, class V, class Hash>
void CheckMapAgainstModel(HasherKind hasher) {
  Sut<K, V, Hash> sut;
  sut.config.key = KeyTypeOf<K>();
  sut.config.value = ValueTypeOf<V>();
  sut.config.hasher = hasher;
  sut.config.hint = *rc::gen::element<int64_t>(0, 0, 0, 9, 100);
  sut.config.seed = *rc::gen::inRange<uint32_t>(0, 1u << 31);
  SeedRandom(sut.config.seed);
  sut.map = sut.Make(sut.config.hint);
  // Sequences five times RapidCheck's default length, so maps grow through several B.
  const auto commands = *rc::gen::scale(
      5.0, rc::state::gen::commands(Model<K, V>(),
                                    rc::state::gen::execOneOfWithArgs<OpCmd<K, V, Hash>>()));
  rc::state::runAll(commands, Model<K, V>(), sut);
}

rc::Gen<HasherKind> WeakHasher() {
  return rc::gen::element(HasherKind::kConst, HasherKind::kLowBits, HasherKind::kTopByte,
                          HasherKind::kFew);
}

RC_GTEST_PROP(MapState, Int64KeysMatchTheModel, ()) {
  CheckMapAgainstModel<int64_t, int64_t, DefaultHash<int64_t>>(HasherKind::kDefault);
}

RC_GTEST_PROP(MapState, StringKeysMatchTheModel, ()) {
  CheckMapAgainstModel<std::string, int64_t, DefaultHash<std::string>>(HasherKind::kDefault);
}

RC_GTEST_PROP(MapState, FloatKeysWithNaNAndSignedZerosMatchTheModel, ()) {
  CheckMapAgainstModel<double, int64_t, DefaultHash<double>>(HasherKind::kDefault);
}

RC_GTEST_PROP(MapState, BigKeysAndBigValuesMatchTheModel, ()) {
  CheckMapAgainstModel<Big, Big, DefaultHash<Big>>(HasherKind::kDefault);
}

RC_GTEST_PROP(MapState, WeakHashersMatchTheModel, ()) {
  CheckMapAgainstModel<int64_t, int64_t, TestHash<int64_t>>(*WeakHasher());
}

RC_GTEST_PROP(MapState, WeakHashersWithFloatKeysMatchTheModel, ()) {
  CheckMapAgainstModel<double, Empty, TestHash<double>>(*WeakHasher());
}

RC_GTEST_PROP(MapState, WeakHashersWithStringKeysMatchTheModel, ()) {
  CheckMapAgainstModel<std::string, Big, TestHash<std::string>>(*WeakHasher());
}

}  // namespace
}  // namespace gomap::oracle
