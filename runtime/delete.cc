// Delete: Go's mapdelete.
//
// Keeps invariant I8 (chain shape): after emptying a slot, if everything after it in
// the chain is empty, the trailing run of empties becomes kEmptyRest, walking back
// across bucket boundaries (to find a predecessor bucket, walk from the chain head).
// Lookups and inserts stop at kEmptyRest, so getting this wrong loses keys.
// The delete that empties the map draws a new hash0 (Go's defence against flooding);
// nothing else ever reseeds, so live keys never need rehashing.
#include "internal/core.h"
#include "internal/slot.h"

namespace gomap::internal {

template <KeyKind kKind>
void MapDelete(HMap* h, const void* key) {
  using KO = KeyOps<kKind>;
  if (h->count == 0) return;  // no flag check, no growWork, like Go
  const MapType* t = h->type;
  if (Flags(h) & kHashWriting) Fatal("concurrent map writes");
  uint64_t hash = KO::Hash(t, key, h->hash0);
  WriteScope writing(h);

  uint64_t bucket = hash & BucketMask(h->B);
  if (Growing(h)) GrowWork<kKind>(h, bucket);  // even when the key is absent
  Bucket* b0 = h->buckets->At(bucket);
  uint8_t top = TopHash(hash);
  for (Bucket* b = b0; b != nullptr; b = OverflowOf(t, b)) {
    // Go's byte loop, 8 slots at a time (as in lookup): candidates before the first
    // kEmptyRest in slot order; a kEmptyRest ends the search.
    TopHashes w = LoadTopHashes(b);
    SlotMask rest = MatchEmptyRest(w);
    for (SlotMask m = MatchTopHash(w, top) & SlotsBefore(rest); m != 0; m &= m - 1) {
      int i = FirstSlot(m);
      if (!KO::Equal(t, key, KO::Key(t, b, i))) continue;

      KO::Destroy(t, b, i);
      DestroyElem(t, ElemSlot(t, b, i), /*clean=*/true);
      b[i] = kEmptyOne;
      if (!kMutantNoEmptyRestBackprop) {
        // If the bucket now ends in a bunch of empty slots, mark them kEmptyRest.
        bool next_is_rest;
        if (i == kBucketCnt - 1) {
          Bucket* ovf = OverflowOf(t, b);
          next_is_rest = ovf == nullptr || ovf[0] == kEmptyRest;
        } else {
          next_is_rest = b[i + 1] == kEmptyRest;
        }
        if (next_is_rest) {
          for (;;) {
            b[i] = kEmptyRest;
            if (i == 0) {
              if (b == b0) break;  // beginning of the initial bucket: done
              Bucket* c = b;       // find the previous bucket, continue at its last slot
              for (b = b0; OverflowOf(t, b) != c; b = OverflowOf(t, b)) {
              }
              i = kBucketCnt - 1;
            } else {
              i--;
            }
            if (b[i] != kEmptyOne) break;
          }
        }
      }
      h->count--;
      if (h->count == 0) h->hash0 = NewHash0();
      goto done;
    }
    if (rest != 0) goto done;
  }
done:
  writing.Finish();
}

template void MapDelete<KeyKind::kGeneric>(HMap*, const void*);
template void MapDelete<KeyKind::kFast32>(HMap*, const void*);
template void MapDelete<KeyKind::kFast64>(HMap*, const void*);
template void MapDelete<KeyKind::kFastStr>(HMap*, const void*);

}  // namespace gomap::internal
