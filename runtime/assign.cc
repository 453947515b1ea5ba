// Assign: Go's mapassign, plus the store of the value that Go's compiled code does
// through the returned slot (C++ objects must be constructed, not just written).
//
// Order matters and is Go's: hash before taking the writing flag (a throwing hash must
// leave the map untouched and writable); finish any grow step for the target bucket
// before scanning it; scan the whole chain for an equal key, remembering the first empty
// slot, stopping only at kEmptyRest; only an absent key can start a grow, and never
// while one is in progress; after HashGrow everything moved, so start again.
#include "internal/core.h"
#include "internal/slot.h"

namespace gomap::internal {

template <KeyKind kKind>
void MapAssign(HMap* h, const void* key, void* elem) {
  using KO = KeyOps<kKind>;
  const MapType* t = h->type;
  if (Flags(h) & kHashWriting) Fatal("concurrent map writes");
  uint64_t hash = KO::Hash(t, key, h->hash0);
  WriteScope writing(h);

  if (h->buckets == nullptr) SetBuckets(h, BucketArray::New(t, 0));  // newobject(t.bucket)
  uint8_t top = TopHash(hash);

again:
  uint64_t bucket = hash & BucketMask(h->B);
  if (Growing(h)) GrowWork<kKind>(h, bucket);
  Bucket* b = h->buckets->At(bucket);
  Bucket* insb = nullptr;
  int insi = 0;
  for (;;) {
    // Go's byte loop, 8 slots at a time: the slots before the first kEmptyRest are
    // scanned; the first empty one (kEmptyRest included) is where an absent key goes.
    TopHashes w = LoadTopHashes(b);
    SlotMask rest = MatchEmptyRest(w);
    for (SlotMask m = MatchTopHash(w, top) & SlotsBefore(rest); m != 0; m &= m - 1) {
      int i = FirstSlot(m);
      void* k = KO::Key(t, b, i);
      if (!KO::Equal(t, key, k)) continue;
      // Already present: update. Equal keys can still differ (+0/-0), so store the
      // new key where the type needs it.
      if (t->need_key_update() && !kMutantNoKeyUpdate) t->key_assign(k, key);
      if (t->elemsize != 0) {
        void* e = ElemObj(t, b, i);
        if (t->trivial_elem()) {
          // A trivial move assignment copies the bytes (of the object: the slot may
          // hold a pointer to it).
          CopySlotBytes(e, elem, t->elem_objsize);
        } else {
          t->elem_assign(e, elem);
        }
      }
      writing.Finish();
      return;
    }
    if (insb == nullptr) {
      SlotMask empty = MatchEmpty(w) & SlotsThrough(rest);
      if (empty != 0) {
        insb = b;
        insi = FirstSlot(empty);
      }
    }
    if (rest != 0) goto scanned;
    Bucket* ovf = OverflowOf(t, b);
    if (ovf == nullptr) break;
    b = ovf;
  }
scanned:
  // Absent. If we hit the max load factor or have too many overflow buckets, and
  // we're not already in the middle of growing, start growing.
  if (!Growing(h) &&
      (OverLoadFactor(h->count + (kMutantGrowthOffByOne ? 0 : 1), h->B) ||
       TooManyOverflowBuckets(h->noverflow, h->B))) {
    HashGrow(h);
    goto again;  // growing invalidates everything, so try again
  }
  if (insb == nullptr) {
    // The whole chain is full: b is its last bucket.
    insb = NewOverflow(h, b);
    insi = 0;
  }
  void* kslot = KeySlot(t, insb, insi);
  KO::Construct(t, kslot, key);
  OnUnwind undo_key([&] { DestroyKey(t, kslot, /*clean=*/true); });
  ConstructElem(t, ElemSlot(t, insb, insi), elem);
  undo_key.Keep();
  insb[insi] = top;
  h->count++;
  if (h->count >= h->ahead_at) [[unlikely]] GrowAhead(h);  // the next doubling's array
  writing.Finish();
}

template void MapAssign<KeyKind::kGeneric>(HMap*, const void*, void*);
template void MapAssign<KeyKind::kFast32>(HMap*, const void*, void*);
template void MapAssign<KeyKind::kFast64>(HMap*, const void*, void*);
template void MapAssign<KeyKind::kFastStr>(HMap*, const void*, void*);

}  // namespace gomap::internal
