// Clear: Go's mapclear, which is what Go 1.21's clear(m) compiles to.
//
// Removes every entry, NaN keys included; keeps B (the map does not shrink); drops the
// grow in progress and every overflow bucket; resets noverflow; draws a new hash0.
// Go 1.19 let a running iterator produce cleared entries (Go issues 59411, 70189); the
// language says they are not produced, so clear_seq tells live iterators to stop.
// Arrays an iterator still holds are left to it and replaced, never cleared under it.
#include "internal/core.h"

namespace gomap::internal {

void MapClear(HMap* h) {
  if (h->count == 0) return;
  if (Flags(h) & kHashWriting) Fatal("concurrent map writes");
  const MapType* t = h->type;
  // Allocate first: a failure must leave the map as it was.
  BucketArray* fresh = h->buckets->refs() == 1 ? nullptr : BucketArray::New(t, h->B);
  WriteScope writing(h);

  BucketArray* old = EndGrow(h);
  h->nevacuate = 0;
  h->noverflow = 0;
  h->count = 0;
  h->hash0 = NewHash0();
  h->clear_seq++;
  if (old) old->Release();
  if (h->dying) FinishDying(h);  // clear is O(buckets) anyway
  if (fresh) {
    h->buckets->Release();
    SetBuckets(h, fresh);
  } else {
    h->buckets->Reset();  // destroy the objects, zero the memory, rebuild the spare pool
  }
  writing.Finish();
}

}  // namespace gomap::internal
