// The auditor's own target: does Audit() see a broken map? Every other target trusts
// Audit() to say "clean" only of a map that keeps go-map-semantics §6; this one checks the
// converse, that a map broken in one known way is reported with the invariant it breaks.
//
// The input is a binary or text trace over int64 keys and values, any hasher. Its ops
// build m0 (set, delete, clear, make, nil; range/next/drain/break keep up to four
// iterators alive, so evacuation copies instead of moving; other ops are ignored) and
// may leave it in the middle of a growth. The header's seed is three fields: bits 0-3
// pick the corruption, bits 4-15 where it applies, and the rest seed the runtime
// (gomap::SeedRandom(seed >> 16)), so one map can be broken in every way. With Audit()
// clean after the ops:
//   1. the corruption is applied: a flag, a header field, or a tophash, key or elem byte
//      of a chosen slot, the way a runtime bug would leave it;
//   2. Audit() must report it, with one of the invariants that corruption breaks
//      (a corruption whose precondition the map does not meet is skipped), and Dump()
//      must still render the map;
//   3. the corruption is undone byte for byte, and Audit() must be clean again.
// Failures are reported as "gomap divergence: audit missed <corruption>" or
// "audit <what>". The target reads the runtime's private bucket layout
// (runtime/internal/bucket.h), as Go's export_test.go does for its own tests.
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "gomap/internal/peer.h"
#include "gomap/map.h"
#include "oracle/hashers.h"
#include "oracle/report.h"
#include "oracle/text.h"
#include "runtime/internal/bucket.h"

namespace {

namespace o = gomap::oracle;
namespace gi = gomap::internal;

// A corruption: what it does, the invariants that may report it (any one suffices), and
// whether the map meets its precondition. Apply() records what UndoAll() restores.
enum class Kind {
  kHashWriting,      // I1: hashWriting left set
  kSameSizeFlag,     // I1: sameSizeGrow while not growing; I3: flipped while growing
  kCountUp,          // I9 (I2 with no buckets): count above the live slots
  kCountDown,        // I9: count below them
  kNoverflow,        // I13: noverflow off by one (B < 16, where it is exact)
  kBigB,             // I2: B disagrees with the bucket array
  kTopHash,          // I10: a live slot's tophash is not its key's, or its key is
                     // another chain's
  kMarkInLiveChain,  // I5/I6 (I4 when it lands on an old primary's slot 0): a live slot
                     // holds an evacuation mark
  kLostSlot,         // I9: a live slot marked emptyOne, key and elem left behind
  kDirtyEmpty,       // I12: an empty slot with a non-zero elem
  kRestOneBefore,    // I8: a chain's first emptyRest turned into emptyOne
  kDuplicateKey,     // I11 (I10 if its tophash or bucket differ): a key copied over another
  kNevacuate,        // I3: nevacuate past an old bucket that is not evacuated, or at
                     // the end of the old array while growing
  kTouchedDest,      // I7: a new bucket written before its old bucket is evacuated
  kRevivedOld,       // I4: an evacuated old bucket with a live tophash
  kNevacuateIdle,    // I3: nevacuate at no value a finished growth leaves
  kNumKinds
};
static_assert(static_cast<int>(Kind::kNumKinds) == 16, "the seed's low 4 bits pick a kind");

const char* Name(Kind k) {
  static const char* const kNames[] = {
      "hashWriting set",        "sameSizeGrow while not growing",
      "count too high",         "count too low",
      "noverflow off by one",   "B off by one",
      "wrong tophash",          "evacuation mark in a live chain",
      "live slot marked empty", "non-zero elem in an empty slot",
      "emptyOne ending a chain", "duplicate key",
      "nevacuate too far",      "destination written early",
      "live slot in an evacuated bucket", "nevacuate off while idle"};
  static_assert(sizeof kNames / sizeof kNames[0] == static_cast<size_t>(Kind::kNumKinds));
  return kNames[static_cast<int>(k)];
}

Kind KindOf(uint64_t seed) { return static_cast<Kind>(seed & 15); }
uint64_t PlaceOf(uint64_t seed) { return (seed >> 4) & 0xFFF; }

// One slot of a chain, with the array it lives in.
struct SlotRef {
  gi::Bucket* b;
  int i;
  bool old;           // in the old array
  uint64_t chain;     // primary bucket index in its array
  int pos;            // position along the chain (bucket depth * 8 + i)
};

// Saved bytes, restored in reverse order.
class UndoLog {
 public:
  void Save(void* p, size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    entries_.push_back({p, std::vector<unsigned char>(c, c + n)});
  }
  void Undo() {
    for (auto e = entries_.rbegin(); e != entries_.rend(); ++e) {
      std::memcpy(e->p, e->bytes.data(), e->bytes.size());
    }
    entries_.clear();
  }

 private:
  struct Entry {
    void* p;
    std::vector<unsigned char> bytes;
  };
  std::vector<Entry> entries_;
};

class Corruptor {
 public:
  Corruptor(gi::HMap* h, uint64_t place) : h_(h), t_(h->type), place_(place) {}

  // Restores every byte Apply() changed.
  void UndoAll() {
    undo_.Undo();
    if (flags_saved_) h_->flags.store(saved_flags_);
    flags_saved_ = false;
  }

  // Applies the corruption when the map allows it; returns the invariants that may
  // report it (empty: precondition not met, nothing changed).
  std::vector<std::string> Apply(Kind kind) {
    switch (kind) {
      case Kind::kHashWriting:
        SaveFlags();
        h_->flags.fetch_or(gi::kHashWriting);
        return {"I1"};
      case Kind::kSameSizeFlag:
        SaveFlags();
        if (Growing()) {
          // The growth's kind flipped: the old array no longer has the size it implies.
          h_->flags.fetch_xor(gi::kSameSizeGrow);
          return {"I3"};
        }
        h_->flags.fetch_or(gi::kSameSizeGrow);
        return {"I1"};
      case Kind::kCountUp:
        undo_.Save(&h_->count, sizeof h_->count);
        h_->count += 1 + static_cast<int64_t>(place_ % 4);
        return {h_->buckets ? "I9" : "I2"};
      case Kind::kCountDown:
        if (h_->count == 0) return {};
        undo_.Save(&h_->count, sizeof h_->count);
        h_->count--;
        return {"I9"};
      case Kind::kNoverflow:
        if (!h_->buckets || h_->B >= 16) return {};
        undo_.Save(&h_->noverflow, sizeof h_->noverflow);
        h_->noverflow += (place_ & 1) ? 1 : -1;
        return {"I13"};
      case Kind::kBigB:
        undo_.Save(&h_->B, sizeof h_->B);
        h_->B++;
        return {"I2"};
      case Kind::kTopHash: {
        const std::vector<SlotRef> live = LiveSlots();
        auto s = Pick(live);
        if (!s) return {};
        if ((place_ >> 6) & 1) {
          // The key of a slot in another chain, under this slot's tophash.
          for (const SlotRef& o : live) {
            if (o.old == s->old && o.chain == s->chain) continue;
            void* k = gi::KeySlot(t_, s->b, s->i);
            undo_.Save(k, t_->keysize);
            std::memcpy(k, gi::KeySlot(t_, o.b, o.i), t_->keysize);  // int64: plain bytes
            return {"I10"};
          }
        }
        uint8_t& top = Top(*s);
        undo_.Save(&top, 1);
        top = top == 255 ? gi::kMinTopHash : top + 1;
        return {"I10"};
      }
      case Kind::kMarkInLiveChain: {
        auto s = Pick(LiveSlots());
        if (!s) return {};
        uint8_t& top = Top(*s);
        undo_.Save(&top, 1);
        top = gi::kEvacuatedX + (place_ >> 6) % 3;
        return {"I4", "I5", "I6"};
      }
      case Kind::kLostSlot: {
        auto s = Pick(LiveSlots());
        if (!s) return {};
        uint8_t& top = Top(*s);
        undo_.Save(&top, 1);
        top = gi::kEmptyOne;
        return {"I9"};
      }
      case Kind::kDirtyEmpty: {
        auto s = Pick(EmptySlots());
        if (!s || t_->elemsize == 0) return {};
        unsigned char* e = static_cast<unsigned char*>(gi::ElemSlot(t_, s->b, s->i));
        undo_.Save(e, t_->elemsize);
        e[(place_ >> 6) % t_->elemsize] ^= 0x5a;
        return {"I12"};
      }
      case Kind::kRestOneBefore: {
        std::vector<SlotRef> firsts;
        ForLiveChains([&](const std::vector<SlotRef>& c) {
          for (const SlotRef& s : c) {
            if (Top(s) == gi::kEmptyRest) {
              firsts.push_back(s);
              break;
            }
          }
        });
        auto s = Pick(firsts);
        if (!s) return {};
        uint8_t& top = Top(*s);
        undo_.Save(&top, 1);
        top = gi::kEmptyOne;
        return {"I8"};
      }
      case Kind::kDuplicateKey: {
        // Two live slots of one chain: the first's key and tophash over the second's.
        std::vector<std::pair<SlotRef, SlotRef>> pairs;
        ForLiveChains([&](const std::vector<SlotRef>& c) {
          std::optional<SlotRef> first;
          for (const SlotRef& s : c) {
            if (Top(s) < gi::kMinTopHash) continue;
            if (first) {
              pairs.emplace_back(*first, s);
            } else {
              first = s;
            }
          }
        });
        if (pairs.empty()) return {};
        auto [a, b] = pairs[place_ % pairs.size()];
        void* kb = gi::KeySlot(t_, b.b, b.i);
        undo_.Save(kb, t_->keysize);
        undo_.Save(&Top(b), 1);
        std::memcpy(kb, gi::KeySlot(t_, a.b, a.i), t_->keysize);  // int64 keys: plain bytes
        Top(b) = Top(a);
        return {"I11", "I10"};
      }
      case Kind::kNevacuate:
        if (!Growing() || gi::Evacuated(h_->oldbuckets->At(h_->nevacuate))) return {};
        undo_.Save(&h_->nevacuate, sizeof h_->nevacuate);
        h_->nevacuate = (place_ & 1) ? NOld() : h_->nevacuate + 1;
        return {"I3"};
      case Kind::kTouchedDest: {
        if (!Growing()) return {};
        std::vector<uint64_t> untouched;
        const uint64_t oldmask = NOld() - 1;
        for (uint64_t i = 0; i < gi::BucketShift(h_->B); i++) {
          if (!gi::Evacuated(h_->oldbuckets->At(i & oldmask))) untouched.push_back(i);
        }
        if (untouched.empty()) return {};
        gi::Bucket* b = h_->buckets->At(untouched[place_ % untouched.size()]);
        const int i = static_cast<int>((place_ >> 6) % gi::kBucketCnt);
        undo_.Save(&b[i], 1);
        b[i] = gi::kEmptyOne;
        return {"I7"};
      }
      case Kind::kRevivedOld: {
        if (!Growing()) return {};
        std::vector<SlotRef> slots;
        for (uint64_t j = 0; j < NOld(); j++) {
          gi::Bucket* ob = h_->oldbuckets->At(j);
          if (!gi::Evacuated(ob)) continue;
          for (const SlotRef& s : ChainSlots(ob, true, j)) slots.push_back(s);
        }
        auto s = Pick(slots);
        if (!s) return {};
        // Slot 0 of the primary decides whether the bucket counts as evacuated: keep it.
        if (s->pos == 0) s->i = 1;
        uint8_t& top = Top(*s);
        undo_.Save(&top, 1);
        top = gi::kMinTopHash + static_cast<uint8_t>((place_ >> 6) % 200);
        return {"I4"};
      }
      case Kind::kNevacuateIdle:
        if (Growing() || !h_->buckets) return {};
        undo_.Save(&h_->nevacuate, sizeof h_->nevacuate);
        h_->nevacuate = gi::BucketShift(h_->B) + 1 + place_ % 7;
        return {"I3"};
      case Kind::kNumKinds:
        break;
    }
    return {};
  }

 private:
  bool Growing() const { return h_->oldbuckets != nullptr; }
  uint64_t NOld() const {
    return (h_->flags.load() & gi::kSameSizeGrow) ? gi::BucketShift(h_->B)
                                                    : gi::BucketShift(h_->B - 1);
  }
  static uint8_t& Top(const SlotRef& s) { return s.b[s.i]; }
  // Flags are atomic: saved as a value and restored by a store.
  void SaveFlags() {
    if (!flags_saved_) saved_flags_ = h_->flags.load();
    flags_saved_ = true;
  }

  // Every slot of the chain starting at primary bucket j, in chain order.
  std::vector<SlotRef> ChainSlots(gi::Bucket* head, bool old, uint64_t j) const {
    std::vector<SlotRef> c;
    int pos = 0;
    for (gi::Bucket* b = head; b; b = gi::OverflowOf(t_, b)) {
      for (int i = 0; i < gi::kBucketCnt; i++) c.push_back({b, i, old, j, pos++});
    }
    return c;
  }

  // Calls f with each live chain's slots: every chain of the current array, and the old
  // array's chains not evacuated yet.
  void ForLiveChains(const std::function<void(const std::vector<SlotRef>&)>& f) const {
    if (!h_->buckets) return;
    auto walk = [&](gi::BucketArray* a, uint64_t n, bool old) {
      for (uint64_t j = 0; j < n; j++) {
        gi::Bucket* head = a->At(j);
        if (old && gi::Evacuated(head)) continue;
        f(ChainSlots(head, old, j));
      }
    };
    walk(h_->buckets, gi::BucketShift(h_->B), false);
    if (Growing()) walk(h_->oldbuckets, NOld(), true);
  }
  std::vector<SlotRef> LiveSlots() const {
    std::vector<SlotRef> out;
    ForLiveChains([&](const std::vector<SlotRef>& c) {
      for (const SlotRef& s : c) {
        if (Top(s) >= gi::kMinTopHash) out.push_back(s);
      }
    });
    return out;
  }
  std::vector<SlotRef> EmptySlots() const {
    std::vector<SlotRef> out;
    ForLiveChains([&](const std::vector<SlotRef>& c) {
      for (const SlotRef& s : c) {
        if (gi::IsEmpty(Top(s))) out.push_back(s);
      }
    });
    return out;
  }
  std::optional<SlotRef> Pick(const std::vector<SlotRef>& v) const {
    if (v.empty()) return std::nullopt;
    return v[place_ % v.size()];
  }

  gi::HMap* h_;
  const gi::MapType* t_;
  uint64_t place_;
  UndoLog undo_;
  uint8_t saved_flags_ = 0;
  bool flags_saved_ = false;
};

template <class M>
class Scenario {
 public:
  using MakeFn = M (*)(int64_t hint, o::HasherKind hasher);
  Scenario(const o::Trace& t, MakeFn make) : t_(t), make_(make) {}

  void Run() {
    gomap::SeedRandom(t_.config.seed >> 16);
    if (!t_.config.nil && !o::HintRefused(t_.config.hint)) m_ = Make(t_.config.hint);
    for (const o::Op& op : t_.ops) Do(op);
    if (m_.IsNil()) return;
    if (auto errs = m_.Audit(); !errs.empty()) {
      return Fail("before corruption: " + errs[0], errs[0], "no broken invariants", "");
    }
    const Kind kind = KindOf(t_.config.seed);
    Corruptor c(gomap::internal::MapPeer::Header(m_), PlaceOf(t_.config.seed));
    const std::vector<std::string> tags = c.Apply(kind);
    if (!tags.empty()) {
      const std::vector<std::string> errs = m_.Audit();
      const std::string dump = m_.Dump();
      bool named = false;
      for (const std::string& e : errs) {
        for (const std::string& tag : tags) {
          named = named || e.starts_with("invariant " + tag + ":");
        }
      }
      std::string want;
      for (const std::string& tag : tags) want += (want.empty() ? "" : " or ") + tag;
      if (!named) {
        c.UndoAll();
        return Fail(std::string("missed ") + Name(kind),
                    errs.empty() ? "no broken invariants" : errs[0], "a report of " + want,
                    dump);
      }
      if (dump.empty()) {
        c.UndoAll();
        return Fail("dump of a broken map", "nothing", "the layout", "");
      }
    }
    c.UndoAll();
    if (auto errs = m_.Audit(); !errs.empty()) {
      Fail(std::string("after undoing ") + Name(kind), errs[0], "no broken invariants", "");
    }
  }

 private:
  M Make(int64_t hint) const { return make_(hint, t_.config.hasher); }

  void Do(const o::Op& op) {
    const int n = op.n & 3;
    switch (op.op) {
      case o::OpCode::kSet:
        if (!m_.IsNil()) m_.Set(std::get<int64_t>(op.key), std::get<int64_t>(op.value));
        return;
      case o::OpCode::kDelete:
        m_.Delete(std::get<int64_t>(op.key));
        return;
      case o::OpCode::kClear:
        m_.Clear();
        return;
      case o::OpCode::kMake:
        if (!o::HintRefused(op.n)) m_ = Make(op.n);
        return;
      case o::OpCode::kNil:
        m_ = M();
        return;
      case o::OpCode::kRange:
        iters_[n].reset();
        iters_[n].emplace(m_.Range());
        return;
      case o::OpCode::kNext:
        if (iters_[n] && !iters_[n]->Next()) iters_[n].reset();
        return;
      case o::OpCode::kDrain:
        while (iters_[n] && iters_[n]->Next()) {
        }
        iters_[n].reset();
        return;
      case o::OpCode::kBreak:
        iters_[n].reset();
        return;
      default:
        return;  // reads do not change the layout
    }
  }

  void Fail(const std::string& what, const std::string& got, const std::string& want,
            const std::string& dump) {
    const std::string sig = o::Signature("audit " + what);
    const Kind kind = KindOf(t_.config.seed);
    gomap::fuzz::ReportFailure(
        sig, "ASSERTION FAILURE: " + sig + "\ngot:  " + got + "\nwant: " + want +
                 "\ncorruption: " + Name(kind) + " at place " +
                 std::to_string(PlaceOf(t_.config.seed)) + "\n--- text trace ---\n" +
                 o::PrintText(t_) + "--- m0: layout ---\n" + (dump.empty() ? m_.Dump() : dump));
  }

  const o::Trace& t_;
  MakeFn make_;
  M m_;
  std::optional<typename M::Iter> iters_[4];
};

// Maps with the default hasher take the fast64 path, as user code does.
using FastMap = gomap::Map<int64_t, int64_t>;
using WeakMap = gomap::Map<int64_t, int64_t, o::TestHash<int64_t>>;
FastMap MakeFast(int64_t hint, o::HasherKind) { return FastMap::Make(hint); }
WeakMap MakeWeak(int64_t hint, o::HasherKind kind) {
  return WeakMap::Make(hint, o::TestHash<int64_t>{kind});
}

void RunAudit(const o::Trace& t) {
  if (t.config.key != o::KeyType::kInt64 || t.config.value != o::ValueType::kInt64) {
    // Only a text trace can name other types.
    const std::string sig = "gomap divergence: audit unsupported types";
    return gomap::fuzz::ReportFailure(
        sig, "ASSERTION FAILURE: " + sig + "\naudit_fuzzer runs key=int64 value=int64 traces\n");
  }
  if (t.config.hasher == o::HasherKind::kDefault) {
    Scenario<FastMap>(t, MakeFast).Run();
  } else {
    Scenario<WeakMap>(t, MakeWeak).Run();
  }
}

gomap::fuzz::TraceTarget Target() {
  gomap::fuzz::TraceTarget t;
  t.decode.key_types = o::Bit(o::KeyType::kInt64);
  t.decode.value_types = o::Bit(o::ValueType::kInt64);
  t.decode.max_ops = 1024;
  t.run = RunAudit;
  return t;
}

}  // namespace

GOMAP_TRACE_FUZZ_TARGET(Target)
