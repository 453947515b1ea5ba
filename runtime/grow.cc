// Growth: Go's hashGrow, growWork, evacuate, advanceEvacuationMark, newoverflow and
// incrnoverflow.
//
// Invariants kept here (go-map-semantics §6):
//   - oldbuckets is set exactly while growing; sameSizeGrow only then.
//   - Every old bucket below nevacuate is evacuated, and a chain is evacuated all at
//     once or not at all (I3, I4): iterators and lookups judge a whole chain by
//     tophash[0] of its primary bucket.
//   - No write touches a new bucket before its old bucket is evacuated (I7), so
//     evacuation fills destinations densely from slot 0, in source order.
//   - An evacuated old slot keeps its key (and elem) readable while an iterator may
//     still walk that array: such iterators re-look-up moved keys, and yield moved NaN
//     entries from the old copy. Go keeps the bytes for its GC; here the slot keeps a
//     copy whenever anyone besides the map holds the old array, and is moved (and the
//     chain marked cleared) otherwise.
//
// Evacuate is transactional: it hashes every key and allocates every overflow bucket
// it needs before touching anything, and undoes its copies if a user copy constructor
// throws, so an exception leaves the old chain unevacuated and the map consistent.
#include <algorithm>
#include <type_traits>
#include <utility>
#include <vector>

#include "internal/core.h"
#include "internal/prefault.h"
#include "internal/slot.h"

namespace gomap::internal {

void IncrNOverflow(HMap* h) {
  // Exact while B < 16; above, count with probability 1/2^(B-15) so that the counter
  // estimates the number of overflow buckets divided by 2^(B-15).
  if (h->B < 16) {
    h->noverflow++;
    return;
  }
  uint32_t mask = (uint32_t{1} << (h->B - 15)) - 1;
  if ((static_cast<uint32_t>(FastRand64()) & mask) == 0) h->noverflow++;
}

Bucket* NewOverflow(HMap* h, Bucket* b) {
  Bucket* ovf = h->buckets->AllocOverflow();
  IncrNOverflow(h);
  OverflowOf(h->type, b) = ovf;
  return ovf;
}

void RetireArray(HMap* h, BucketArray* a) {
  // Only an array nobody else holds can be released piecemeal: an iterator's last
  // Release frees it whole, as before.
  if (a->refs() != 1 || !a->WorthDeferring()) {
    a->Release();
    return;
  }
  // Never two at once. A grow takes at least noldbuckets/2 writes to finish and a
  // release at most (array bytes / 256 KiB + heap overflow buckets / 256) writes, so
  // this only happens with absurdly long chains.
  if (h->dying != nullptr) FinishDying(h);
  a->BeginRelease();
  h->dying = a;
}

void ReleaseDyingStep(HMap* h) {
  if (h->dying->ReleaseStep()) h->dying = nullptr;
}

void FinishDying(HMap* h) {
  BucketArray* a = h->dying;
  h->dying = nullptr;
  a->Release();
}

namespace {

// The count at which the next insert of a new key starts a doubling (OverLoadFactor).
int64_t GrowAt(uint8_t B) {
  return kLoadFactorNum * static_cast<int64_t>(BucketShift(B) / kLoadFactorDen);
}

}  // namespace

int64_t AheadFrom(const HMap* h) {
  if (!BucketArray::MappedForGrow(h->type, h->B + 1)) return INT64_MAX;  // from the heap
  // The helper thread needs more time than the inserts' steps: its pieces are all the
  // pieces, and it shares the machine. Both arrays are held from then on, as they are
  // through the doubling itself; the peak is the same, only held longer.
  return GrowAt(h->B) - GrowAt(h->B) / (PrefaultHelperOn() ? 4 : 16);
}

void GrowAhead(HMap* h) {
  if (h->next == nullptr) {
    try {
      h->next = BucketArray::New(h->type, h->B + 1, BucketArray::kAhead);
    } catch (const std::bad_alloc&) {
      h->ahead_at = INT64_MAX;  // HashGrow allocates it then, as it would have anyway
      return;
    }
    // The helper thread faults it in, where there is one: nothing left for the inserts.
    if (h->next->PrefaultInBackground()) {
      h->ahead_at = INT64_MAX;  // until HashGrow takes it and sets the next start
      return;
    }
  }
  const size_t left = h->next->Prefault();
  if (left == 0) {
    h->ahead_at = INT64_MAX;  // until HashGrow takes it and sets the next start
    return;
  }
  // The rest spread over the inserts left before the doubling, one step every `every`
  // inserts, so that it is resident a step early (deletes only give it more time).
  const size_t step = h->next->PrefaultStep();
  const int64_t steps = static_cast<int64_t>((left + step - 1) / step);
  const int64_t every = (GrowAt(h->B) - h->count) / (steps + 1);
  h->ahead_at = h->count + std::max<int64_t>(every, 1);
}

void HashGrow(HMap* h) {
  // If we've hit the load factor, get bigger. Otherwise there are too many overflow
  // buckets, so keep the same number of buckets and "grow" laterally.
  uint8_t bigger = OverLoadFactor(h->count + 1, h->B) ? 1 : 0;
  // May throw: no change yet. A doubling takes the array made ahead, if there is one,
  // from the prefault helper too.
  BucketArray* fresh;
  if (bigger && h->next != nullptr) {
    fresh = std::exchange(h->next, nullptr);
    fresh->WithdrawFromHelper();
  } else {
    fresh = BucketArray::New(h->type, h->B + bigger, BucketArray::kForGrow);
  }
  uint8_t f = Flags(h);
  uint8_t nf = f & static_cast<uint8_t>(~(kIterator | kOldIterator));
  if (f & kIterator) nf |= kOldIterator;  // iterators on the current array now use the old one
  if (!bigger) nf |= kSameSizeGrow;
  nf |= kGrowing;
  h->flags.store(nf, std::memory_order_relaxed);
  h->oldbuckets = h->buckets;
  SetBuckets(h, fresh);
  h->B += bigger;
  h->nevacuate = 0;
  h->noverflow = 0;
  if (bigger) h->ahead_at = AheadFrom(h);
  // The actual copying of the hash table data is done incrementally by GrowWork.
}

namespace {

// One full slot of the old chain and where it goes (dst and j are set in step 3).
// No default member initializers: MoveList's inline array stays uninitialised instead
// of being filled on every evacuation.
struct Move {
  Bucket* src;
  Bucket* dst;
  uint8_t i;
  uint8_t j;
  uint8_t top;
  uint8_t useY;
};

// Holds the chain's moves on the stack unless the chain is long (weak hashers).
class MoveList {
 public:
  void Push(const Move& m) {
    if (n_ < kInline) [[likely]] {
      inline_[n_] = m;
    } else {
      Spill(m);
    }
    n_++;
  }
  size_t size() const { return n_; }
  Move& operator[](size_t k) { return n_ <= kInline ? inline_[k] : heap_[k]; }

 private:
  static constexpr size_t kInline = 4 * kBucketCnt;
  [[gnu::noinline]] void Spill(const Move& m) {
    if (heap_.empty()) heap_.assign(inline_, inline_ + kInline);
    heap_.push_back(m);
  }
  Move inline_[kInline];
  std::vector<Move> heap_;
  size_t n_ = 0;
};

inline bool MovesKey(const MapType* t, bool move) {
  return move && (t->indirect_key() || t->key_nothrow_move());
}
inline bool MovesElem(const MapType* t, bool move) {
  return move && (t->indirect_elem() || t->elem_nothrow_move());
}

// Puts the object of the source slot into the (empty) destination slot: the pointer
// itself for indirect storage when moving, the bytes for trivial types, otherwise a
// nothrow move or a copy (which may throw, leaving the destination empty and clean).
void TransferKey(const MapType* t, void* dst, void* src, bool move) {
  if (t->indirect_key()) {
    if (move) {
      *static_cast<void**>(dst) = *static_cast<void**>(src);
    } else {
      ConstructKey(t, dst, *static_cast<void**>(src));
    }
  } else if (t->trivial_key()) {
    CopySlotBytes(dst, src, t->keysize);
  } else if (MovesKey(t, move)) {
    t->key_relocate(dst, src);
  } else {
    BuildInPlace(dst, t->keysize, t->key_copy, src);
  }
}

void TransferElem(const MapType* t, void* dst, void* src, bool move) {
  if (t->elemsize == 0) return;
  if (t->indirect_elem()) {
    if (move) {
      *static_cast<void**>(dst) = *static_cast<void**>(src);
    } else {
      *static_cast<void**>(dst) = BuildObject(t->elem_objsize, t->elem_objalign, t->elem_copy,
                                              *static_cast<void**>(src));
    }
  } else if (t->trivial_elem()) {
    CopySlotBytes(dst, src, t->elemsize);
  } else if (MovesElem(t, move)) {
    t->elem_relocate(dst, src);
  } else {
    BuildInPlace(dst, t->elemsize, t->elem_copy, src);
  }
}

// Undoes TransferKey/TransferElem: moved objects go back, copies are destroyed, and the
// destination slot is left clean (I12).
void UndoKey(const MapType* t, void* dst, void* src, bool move) {
  if (t->indirect_key() && move) {
    *static_cast<void**>(dst) = nullptr;
    return;
  }
  if (!t->indirect_key() && !t->trivial_key() && MovesKey(t, move)) {
    t->key_destroy(src);
    t->key_relocate(src, dst);  // nothrow: the type's move constructor is noexcept
  }
  DestroyKey(t, dst, /*clean=*/true);
}

void UndoElem(const MapType* t, void* dst, void* src, bool move) {
  if (t->elemsize == 0) return;
  if (t->indirect_elem() && move) {
    *static_cast<void**>(dst) = nullptr;
    return;
  }
  if (!t->indirect_elem() && !t->trivial_elem() && MovesElem(t, move)) {
    t->elem_destroy(src);
    t->elem_relocate(src, dst);
  }
  DestroyElem(t, dst, /*clean=*/true);
}

// After a moving evacuation: ends what is left in the source slot.
void EndSource(const MapType* t, Bucket* b, int i) {
  if (!t->indirect_key() && !t->trivial_key()) t->key_destroy(KeySlot(t, b, i));
  if (t->elemsize != 0 && !t->indirect_elem() && !t->trivial_elem()) {
    t->elem_destroy(ElemSlot(t, b, i));
  }
}

void AdvanceEvacuationMark(HMap* h, uint64_t newbit) {
  h->nevacuate++;
  // Experiments suggest that 1024 is overkill by at least an order of magnitude.
  // Put it in there as a safeguard anyway, to ensure O(1) behavior.
  uint64_t stop = std::min(h->nevacuate + 1024, newbit);
  while (h->nevacuate != stop && Evacuated(h->oldbuckets->At(h->nevacuate))) h->nevacuate++;
  if (h->nevacuate == newbit) {  // newbit == # of oldbuckets
    // Growing is all done. Free old main bucket array (iterators may still hold it).
    RetireArray(h, EndGrow(h));
  }
}

template <class KO>
void Evacuate(HMap* h, uint64_t oldbucket) {
  const MapType* t = h->type;
  BucketArray* old = h->oldbuckets;
  Bucket* b = old->At(oldbucket);
  uint64_t newbit = NOldBuckets(h);
  if (!Evacuated(b)) {
    const bool same = SameSizeGrow(h);
    const uint8_t flags = Flags(h);

    // 1. Decide every destination; hashing may throw, nothing has changed yet.
    MoveList moves;
    size_t count[2] = {0, 0};
    for (Bucket* c = b; c != nullptr; c = OverflowOf(t, c)) {
      for (int i = 0; i < kBucketCnt; i++) {
        uint8_t top = c[i];
        if (IsEmpty(top)) continue;
        if (top < kMinTopHash) Throw(h, "bad map state");
        uint8_t useY = 0;
        if (!same) {
          // Compute hash to make our evacuation decision (whether we need to send
          // this key/elem to bucket x or bucket y).
          const void* k = KeyObj(t, c, i);
          uint64_t hash = KO::Hash(t, k, h->hash0);
          if ((flags & kIterator) && !t->reflexive_key() && !KO::Equal(t, k, k)) {
            // A NaN-like key: its hash is random, so an iterator could not tell where
            // it went. Decide by the low bit of the tophash instead (iterators filter
            // with the same bit) and draw a new tophash for the next level.
            useY = kMutantNaNByHash ? (hash & newbit) != 0 : top & 1;
            top = TopHash(hash);
          } else {
            useY = (hash & newbit) != 0;
          }
        }
        moves.Push(Move{c, nullptr, static_cast<uint8_t>(i), 0, top, useY});
        count[useY]++;
      }
    }

    // 2. Overflow buckets for the destinations (allocation may throw; the pool is not
    //    observable, so a failure here leaves the map as it was).
    Bucket* dst[2] = {h->buckets->At(oldbucket),
                      same ? nullptr : h->buckets->At(oldbucket + newbit)};
    std::vector<Bucket*> spare[2];
    for (int d = 0; d < 2; d++) {
      size_t need = count[d] > 0 ? (count[d] - 1) / kBucketCnt : 0;
      for (size_t n = 0; n < need; n++) spare[d].push_back(h->buckets->AllocOverflow());
    }

    // 3. Fill destinations densely in source order. Copy when anyone else holds the old
    //    array (an iterator may still read these slots), move otherwise.
    const bool move = old->refs() == 1;
    // Keys and elems that are plain bytes in their slots: copied in place, never throw.
    const bool plain_elem = t->trivial_elem() && !t->indirect_elem();
    const bool plain = plain_elem && t->trivial_key() && !t->indirect_key();
    // StrKeys move as bytes too (the source slot is left empty), when moving.
    const bool str_move =
        std::is_same_v<KO, KeyOps<KeyKind::kFastStr>> && move && plain_elem;
    size_t done = 0;
    {
      // A throw undoes the moves done so far (after the current key, below).
      OnUnwind undo_done([&] {
        for (size_t k = 0; k < done; k++) {
          Move& m = moves[k];
          UndoKey(t, KeySlot(t, m.dst, m.j), KeySlot(t, m.src, m.i), move);
          UndoElem(t, ElemSlot(t, m.dst, m.j), ElemSlot(t, m.src, m.i), move);
        }
      });
      Bucket* cur[2] = {dst[0], dst[1]};
      int slot[2] = {0, 0};
      size_t next_spare[2] = {0, 0};
      for (; done < moves.size(); done++) {
        Move& m = moves[done];
        int d = m.useY;
        if (slot[d] == kBucketCnt) {
          cur[d] = spare[d][next_spare[d]++];
          slot[d] = 0;
        }
        m.dst = cur[d];
        m.j = static_cast<uint8_t>(slot[d]++);
        void* dk = KeySlot(t, m.dst, m.j);
        if (plain || str_move) {
          if (plain) {
            CopySlotBytes(dk, KeySlot(t, m.src, m.i), t->keysize);
          } else {
            StrKey::Relocate(dk, KeySlot(t, m.src, m.i));
          }
          CopySlotBytes(ElemSlot(t, m.dst, m.j), ElemSlot(t, m.src, m.i), t->elemsize);
          continue;
        }
        TransferKey(t, dk, KeySlot(t, m.src, m.i), move);
        OnUnwind undo_key([&] { UndoKey(t, dk, KeySlot(t, m.src, m.i), move); });
        TransferElem(t, ElemSlot(t, m.dst, m.j), ElemSlot(t, m.src, m.i), move);
        undo_key.Keep();
      }
      undo_done.Keep();
    }

    // 4. Commit; nothing below throws.
    for (int d = 0; d < 2; d++) {
      Bucket* tail = dst[d];
      for (Bucket* ovf : spare[d]) {
        OverflowOf(t, tail) = ovf;
        IncrNOverflow(h);
        tail = ovf;
      }
    }
    for (size_t k = 0; k < moves.size(); k++) {
      Move& m = moves[k];
      m.dst[m.j] = m.top;
      m.src[m.i] = kEvacuatedX + m.useY;
    }
    for (Bucket* c = b; c != nullptr; c = OverflowOf(t, c)) {
      for (int i = 0; i < kBucketCnt; i++) {
        if (IsEmpty(c[i])) c[i] = kEvacuatedEmpty;
      }
    }
    if (move && HasObjects(t)) {
      for (size_t k = 0; k < moves.size(); k++) EndSource(t, moves[k].src, moves[k].i);
      old->MarkCleared(oldbucket);
      // Like Go: clear the primary's keys, elems and overflow link (tophash marks
      // stay: they record the evacuation state).
      std::memset(b + t->keyoff, 0, t->bucketsize - t->keyoff);
    }
  }

  if (oldbucket == h->nevacuate) AdvanceEvacuationMark(h, newbit);
}

}  // namespace

template <KeyKind kKind>
void GrowWork(HMap* h, uint64_t bucket) {
  // Make sure we evacuate the old bucket corresponding to the bucket we're about to
  // use, then evacuate one more old bucket to make progress on growing.
  Evacuate<KeyOps<kKind>>(h, bucket & OldBucketMask(h));
  if (Growing(h)) Evacuate<KeyOps<kKind>>(h, h->nevacuate);
}

template void GrowWork<KeyKind::kGeneric>(HMap*, uint64_t);
template void GrowWork<KeyKind::kFast32>(HMap*, uint64_t);
template void GrowWork<KeyKind::kFast64>(HMap*, uint64_t);
template void GrowWork<KeyKind::kFastStr>(HMap*, uint64_t);

}  // namespace gomap::internal
