// Iteration: Go's mapiterinit and mapiternext.
//
// An iterator walks the array it started on (its snapshot), bucket startBucket, then
// startBucket+1, ... wrapping, each chain bucket by bucket, each bucket's slots rotated
// by one shared offset. What keeps it correct while the map grows:
//   - slots its snapshot no longer owns carry kEvacuatedX/Y marks; for those it looks the
//     key up in the live map (current value; skipped if deleted since), except NaN-like
//     keys, which cannot be looked up and never change, and are yielded from the copy;
//   - an iterator that began during the current grow reads the old bucket while it is
//     unevacuated, and then must yield only the entries that will land in the new bucket
//     it is visiting (checkBucket), splitting NaN-like keys by the tophash low bit just
//     as Evacuate does. A same-size grow needs no filter (decided on entering the bucket).
// Lifetimes: the iterator holds the table, its snapshot and the array it is inside (the
// old array of a grow that may complete while it is there). Go's GC does this for Go.
// Clear: the language says cleared entries are not produced; clear_seq enforces it.
#include "internal/core.h"

namespace gomap::internal {
namespace {

void Hold(BucketArray** slot, BucketArray* a) {
  if (*slot == a) return;
  if (a) a->Retain();
  if (*slot) (*slot)->Release();
  *slot = a;
}

void Finish(HIter* it) {
  it->key = nullptr;
  it->elem = nullptr;
  Hold(&it->cur, nullptr);
  Hold(&it->buckets, nullptr);
  it->bptr = nullptr;
  if (it->h) {
    HMap* h = it->h;
    it->h = nullptr;
    ReleaseMap(h);
  }
}

}  // namespace

void MapIterInit(HIter* it, HMap* h) {
  *it = HIter();
  if (h == nullptr || h->count == 0) return;  // zero iterations, no flags set
  RetainMap(h);
  it->h = h;
  // Grab the snapshot state.
  it->B = h->B;
  Hold(&it->buckets, h->buckets);
  it->base = h->bucket0;
  it->clear_seq = h->clear_seq;

  // Decide where to start: one draw gives the bucket (low B bits) and the slot
  // rotation shared by every bucket (next 3 bits).
  uint64_t r = FastRand64();
  if (h->B <= 31 - kBucketCntBits) r &= 0xffffffffu;  // Go draws 64 bits only for huge B
  it->startBucket = r & BucketMask(h->B);
  it->offset = static_cast<uint8_t>((r >> h->B) & (kBucketCnt - 1));
  it->bucket = it->startBucket;

  // Remember we have an iterator. Can run concurrently with another MapIterInit.
  if ((Flags(h) & (kIterator | kOldIterator)) != (kIterator | kOldIterator)) {
    h->flags.fetch_or(kIterator | kOldIterator, std::memory_order_relaxed);
  }
  // Go's mapiterinit ends with a first mapiternext; here the first Next() does it, so
  // that writes made between Range() and that call (which a Go range statement cannot
  // make) are seen like writes made during the iteration.
}

void MapIterNext(HIter* it) {
  HMap* h = it->h;
  if (h == nullptr) return;
  if (Flags(h) & kHashWriting) Fatal("concurrent map iteration and map write");
  if (h->clear_seq != it->clear_seq) {  // cleared since the iteration began
    Finish(it);
    return;
  }
  const MapType* t = h->type;
  uint64_t bucket = it->bucket;
  Bucket* b = it->bptr;
  int i = it->i;
  uint64_t checkBucket = it->checkBucket;

next:
  if (b == nullptr) {
    if (bucket == it->startBucket && it->wrapped) {  // end of iteration
      Finish(it);
      return;
    }
    if (Growing(h) && it->B == h->B) {
      // Iterator was started in the middle of a grow, and the grow isn't done yet.
      // If the bucket we're looking at hasn't been filled in yet (i.e. the old bucket
      // hasn't been evacuated) then we need to iterate through the old bucket and only
      // return the ones that will be migrated to this bucket.
      uint64_t oldbucket = bucket & OldBucketMask(h);
      b = h->oldbuckets->At(oldbucket);
      if (!Evacuated(b)) {
        Hold(&it->cur, h->oldbuckets);
        // A same-size grow sends every entry of old bucket j to new bucket j: nothing to
        // filter. Decided here, once per bucket: Go re-reads sameSizeGrow at every slot,
        // so when the grow completes (or a new one starts) while the iterator is still in
        // this chain, filtering switches on or off half-way, dropping NaN entries or
        // producing entries twice.
        checkBucket = SameSizeGrow(h) ? kNoCheck : bucket;
      } else {
        b = it->buckets->At(bucket);
        Hold(&it->cur, it->buckets);
        checkBucket = kNoCheck;
      }
    } else {
      b = it->buckets->At(bucket);
      Hold(&it->cur, it->buckets);
      checkBucket = kNoCheck;
    }
    bucket++;
    if (bucket == BucketShift(it->B)) {
      bucket = 0;
      it->wrapped = true;
    }
    i = 0;
  }
  for (; i < kBucketCnt; i++) {
    int offi = (i + it->offset) & (kBucketCnt - 1);
    uint8_t top = b[offi];
    if (IsEmpty(top) || top == kEvacuatedEmpty) continue;
    const void* k = KeyObj(t, b, offi);
    const void* e = ElemObj(t, b, offi);
    if (checkBucket != kNoCheck && !kMutantNoCheckBucket) {
      // Special case: iterator was started during a grow to a larger size and the grow
      // is not done yet. We're working on a bucket whose oldbucket has not been
      // evacuated yet. Or at least, it wasn't evacuated when we started the bucket. So
      // we're iterating through the oldbucket, skipping any keys that will go to the
      // other new bucket (each oldbucket expands to two buckets during a grow).
      if (t->reflexive_key() || t->equal(t, k, k)) {
        // If the item in the oldbucket is not destined for the current new bucket in
        // the iteration, skip it.
        uint64_t hash = t->hasher(t, k, h->hash0);
        if ((hash & BucketMask(it->B)) != checkBucket) continue;
      } else {
        // Hash isn't repeatable if k != k (NaNs). We need a repeatable and randomish
        // choice of which way to send NaNs during evacuation. We'll use the low bit of
        // tophash to decide which way NaNs go.
        if ((checkBucket >> (it->B - 1)) != static_cast<uint64_t>(top & 1)) continue;
      }
    }
    if ((top != kEvacuatedX && top != kEvacuatedY) ||
        !(t->reflexive_key() || t->equal(t, k, k))) {
      // This is the golden data, we can return it. OR key!=key, so the entry can't be
      // deleted or updated, so we can just return it. That's lucky for us because when
      // key!=key we can't look it up successfully.
      it->key = k;
      it->elem = e;
    } else {
      // The hash table has grown since the iterator was started. The golden data for
      // this key is now somewhere else. Check the current hash table for the data.
      // This code handles the case where the key has been deleted, updated, or deleted
      // and reinserted. NOTE: we need to regrab the key as it has potentially been
      // updated to an equal() but not identical key (e.g. +0.0 vs -0.0).
      const void* rk;
      const void* re;
      if (!MapAccessK(h, k, &rk, &re)) continue;  // key has been deleted
      it->key = rk;
      it->elem = re;
    }
    it->bucket = bucket;
    it->bptr = b;
    it->i = static_cast<uint8_t>(i + 1);
    it->checkBucket = checkBucket;
    return;
  }
  b = OverflowOf(t, b);
  i = 0;
  goto next;
}

void MapIterRelease(HIter* it) { Finish(it); }

}  // namespace gomap::internal
