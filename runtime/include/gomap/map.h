// gomap::Map — Go's map[K]V (the Go 1.19 design) in C++.
//
// Behaviour is Go's, panics and fatal errors included:
//   - Map() is the nil map: reads give the zero value, Len() is 0, Delete and Clear do
//     nothing, Range() yields nothing, Set throws gomap::Panic whose what() is exactly
//     "assignment to entry in nil map" and changes nothing.
//   - Map is a handle: copies share one table, like Go map values.
//   - Float keys follow Go: NaN never equals anything (every NaN insert adds an entry that
//     only iteration and Clear can reach), +0 and -0 are one key, and an overwrite stores
//     the new key (m[+0]=a; m[-0]=b leaves key -0).
//   - Iteration order is random (start bucket and slot rotation drawn per Range()), stays
//     correct while the map grows, never yields an entry removed before it is reached,
//     yields the value current when the entry is reached, and yields nothing more after
//     a Clear() of the map.
//   - A write concurrent with any other use is a program error. It is detected best
//     effort and reported through the fatal handler with Go's text: "concurrent map
//     writes", "concurrent map read and map write", "concurrent map iteration and map
//     write". Any number of threads may read and iterate a map that nobody writes.
//   - If a user Hash, Eq, copy or move throws, the exception propagates and the map is
//     left consistent and usable (the entry being inserted may or may not be present).
//
// Lifetimes:
//   - An Iter keeps the table alive: it may outlive every Map handle (it then yields
//     the remaining entries of the abandoned table, which nobody can change any more),
//     and arrays it still reads survive growth and Clear.
//   - Key()/Value() references are valid until the next write to the map (Set, Delete,
//     Clear) or the next Next() on that iterator, like the slot pointers Go's runtime
//     hands out. Copy them if you need them longer.
//
// Threads of its own, at most two per process, neither touching map data; each sleeps
// while it has nothing to do and never ends, and a forked child starts its own when it
// needs one:
//   - "gomap-prefault": started by the first map that grows past a few hundred KiB of
//     buckets. It faults in the array of a map's next doubling ahead of it, so that
//     inserts do not wait for fresh pages. If it cannot be started, the inserts fault
//     those arrays in themselves.
//   - "gomap-scavenge": started when the first released array is kept for reuse (see
//     FreeOSMemory). It unmaps kept arrays unused for 10 s. If it cannot be started, at
//     most 64 MiB is kept, until FreeOSMemory().
#ifndef GOMAP_MAP_H_
#define GOMAP_MAP_H_

#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "gomap/internal/bucket_scan.h"
#include "gomap/internal/hash.h"
#include "gomap/internal/hmap.h"
#include "gomap/internal/type.h"

namespace gomap {

// A recoverable Go panic (runtime.Error); what() is Go's text.
class Panic : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace internal {
// Go's `panic: assignment to entry in nil map` panics with a constant, and so does
// gomap: Set() throws a copy of this one Panic, and a copy shares the text
// (std::runtime_error's copy constructor does not allocate), where Panic(const char*)
// allocated and copied it at every throw. The throw stays in Set(), which is inlined:
// under ASan every frame the exception unwinds through costs about a microsecond, so a
// throw moved into a function of its own was slower than the allocation it saved.
inline const Panic& NilMapWritePanic() {
  static const Panic panic("assignment to entry in nil map");
  return panic;
}
}  // namespace internal

// Fatal errors (Go's unrecoverable `fatal error: <msg>`) go to this handler. The default
// prints "fatal error: <msg>" to stderr and aborts. A handler must not return (gomap
// aborts if it does); it may throw, after which the map it came from must not be used.
using FatalHandler = void (*)(const char* msg);
FatalHandler SetFatalHandler(FatalHandler handler);  // returns the previous handler

// Seeds the generator behind every random choice of the runtime: hash seeds, iteration
// starts, NaN hashes. Same seed + same operations = same run.
void SeedRandom(uint64_t seed);

// Go's debug.FreeOSMemory, for gomap's share: returns to the kernel the zeroed bucket
// arrays kept for reuse (released by maps that grew past 256 KiB of buckets; at most
// 256 MiB in the process, each returned anyway once unused for 10 s). Maps in use are
// not touched.
void FreeOSMemory();

namespace internal {
struct MapPeer;  // the test-only door into the header (gomap/internal/peer.h)

template <class K, class Hash, class Eq>
constexpr KeyKind ChooseKeyKind() {
  if constexpr (std::is_same_v<Hash, DefaultHash<K>> && std::is_same_v<Eq, std::equal_to<K>>) {
    if constexpr (std::is_same_v<K, std::string>) return KeyKind::kFastStr;
    if constexpr (std::is_integral_v<K> && sizeof(K) == 8) return KeyKind::kFast64;
    if constexpr (std::is_integral_v<K> && sizeof(K) == 4) return KeyKind::kFast32;
  }
  return KeyKind::kGeneric;
}
}  // namespace internal

template <class K, class V, class Hash = DefaultHash<K>, class Eq = std::equal_to<K>>
class Map {
  static constexpr internal::KeyKind kKind = internal::ChooseKeyKind<K, Hash, Eq>();
  // The fast string kind keeps its keys as StrKey slots (gomap/internal/str_key.h): the
  // core is handed StrKeys, and iterators turn a slot back into a std::string.
  static constexpr bool kStrSlots = kKind == internal::KeyKind::kFastStr;
  using Type = std::conditional_t<kStrSlots, internal::StrKeyMapType<V>,
                                  internal::TypedMapType<K, V, Hash, Eq>>;

 public:
  class Iter;

  Map() = default;  // nil map: var m map[K]V
  Map(const Map& o) : h_(o.h_) {
    if (h_) internal::RetainMap(h_);
  }
  Map(Map&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  Map& operator=(Map o) noexcept {
    std::swap(h_, o.h_);
    return *this;
  }
  ~Map() {
    if (h_) internal::ReleaseMap(h_);
  }

  // make(map[K]V, hint). Negative or absurd hints give an empty map, as in Go.
  static Map Make(int64_t hint = 0, Hash hash = Hash(), Eq eq = Eq()) {
    Map m;
    m.h_ = internal::MakeMap(new Type(std::move(hash), std::move(eq)), hint);
    return m;
  }

  bool IsNil() const { return h_ == nullptr; }
  int64_t Len() const { return h_ ? h_->count : 0; }

  // m[k]
  V Get(const K& k) const {
    const void* e = h_ ? Access(k) : nullptr;
    return e ? Elem(e) : V();
  }
  // v, ok := m[k]
  std::pair<V, bool> Lookup(const K& k) const {
    const void* e = h_ ? Access(k) : nullptr;
    return e ? std::pair<V, bool>(Elem(e), true) : std::pair<V, bool>(V(), false);
  }
  // m[k] = v
  void Set(const K& k, V v) {
    if (!h_) throw internal::NilMapWritePanic();
    if constexpr (kInlineAssign) {
      if constexpr (kStrSlots) {
        if (k.size() <= internal::StrKey::kInline && ShortKeyAssign(k, v)) return;
      } else {
        if (InlineAssign(k, v)) return;
      }
    }
    const auto& key = CoreKey(k);
    internal::MapAssign<kKind>(h_, &key, &v);
  }
  // delete(m, k)
  void Delete(const K& k) {
    if (!h_) return;
    if constexpr (kInlineAssign) {
      if constexpr (kStrSlots) {
        if (k.size() <= internal::StrKey::kInline && ShortKeyDelete(k)) return;
      } else {
        if (InlineDelete(k)) return;
      }
    }
    const auto& key = CoreKey(k);
    internal::MapDelete<kKind>(h_, &key);
  }
  // clear(m): removes every entry, NaN keys included; B is kept; hash0 is re-drawn.
  void Clear() {
    if (h_) internal::MapClear(h_);
  }
  // for k, v := range m
  Iter Range() const { return Iter(h_); }

  Stats GetStats() const { return h_ ? internal::MapStats(h_) : Stats(); }
  // Broken invariants (go-map-semantics §6), empty when healthy. Never draws randomness.
  std::vector<std::string> Audit() const {
    return h_ ? internal::MapAudit(h_) : std::vector<std::string>();
  }
  // A readable layout summary: header, then per bucket its tophash states and chain.
  std::string Dump(size_t max_buckets = 64) const {
    return h_ ? internal::MapDump(h_, max_buckets) : std::string("nil map\n");
  }

  class Iter {
   public:
    Iter(Iter&& o) noexcept
        : it_(std::exchange(o.it_, internal::HIter())), key_(std::move(o.key_)) {}
    Iter& operator=(Iter&& o) noexcept {
      if (this != &o) {
        internal::MapIterRelease(&it_);
        it_ = std::exchange(o.it_, internal::HIter());
        key_ = std::move(o.key_);
      }
      return *this;
    }
    Iter(const Iter&) = delete;
    Iter& operator=(const Iter&) = delete;
    ~Iter() { internal::MapIterRelease(&it_); }

    // Moves to the next entry (the first one on the first call); false when done.
    // The walk is done here, as MapIterNext would do it, while nothing needs that
    // function's care: the rest of the chain, and the step to the next bucket of the
    // snapshot when the map is not growing and the iterator is inside its snapshot. Any
    // grow filter (checkBucket), any entry that moved (kEvacuatedX/Y: it must be looked up
    // in the live map), a writer inside, a Clear since the start, the end of the walk and
    // every step during a grow go to MapIterNext, with the position it expects.
    bool Next() {
      using namespace internal;
      Bucket* b = it_.bptr;
      if (b != nullptr && it_.checkBucket == kNoCheck &&
          !(it_.h->flags.load(std::memory_order_relaxed) & kHashWriting) &&
          it_.h->clear_seq == it_.clear_seq) {
        int i = it_.i;
        for (;;) {
          for (; i < kBucketCnt; i++) {
            const int offi = (i + it_.offset) & (kBucketCnt - 1);
            const uint8_t top = b[offi];
            if (top >= kMinTopHash) {
              it_.key =
                  SlotObject<kLayout.indirect_key>(b + kLayout.keyoff, offi, kLayout.keysize);
              it_.elem = SlotObject<kLayout.indirect_elem>(b + kLayout.elemoff, offi,
                                                           kLayout.elemsize);
              it_.bptr = b;
              it_.i = static_cast<uint8_t>(i + 1);
              return true;
            }
            if (top == kEvacuatedX || top == kEvacuatedY) goto slow;
          }
          if (Bucket* ovf = *reinterpret_cast<Bucket**>(b + kLayout.overflowoff)) {
            b = ovf;
            i = 0;
            continue;
          }
          if (it_.h->oldbuckets != nullptr || it_.cur != it_.buckets ||
              (it_.bucket == it_.startBucket && it_.wrapped)) {
            goto slow;  // at the end of the chain (i == kBucketCnt)
          }
          b = it_.base + it_.bucket * kLayout.bucketsize;
          if (++it_.bucket == (uint64_t{1} << it_.B)) {
            it_.bucket = 0;
            it_.wrapped = true;
          }
          i = 0;
        }
      slow:
        it_.bptr = b;
        it_.i = static_cast<uint8_t>(i);
      }
      MapIterNext(&it_);
      return it_.key != nullptr;
    }
    const K& Key() const {
      if constexpr (kStrSlots) {
        key_.assign(static_cast<const internal::StrKey*>(it_.key)->view());
        return key_;
      } else {
        return *static_cast<const K*>(it_.key);
      }
    }
    const V& Value() const {
      if constexpr (internal::kZeroSizeElem<V>) {
        static const V kZero{};
        return kZero;
      } else {
        return *static_cast<const V*>(it_.elem);
      }
    }

   private:
    friend class Map;
    // Range() is Go's range statement: mapiterinit draws the start bucket and slot
    // rotation and marks the map as iterated; the first Next() finds the first entry.
    explicit Iter(internal::HMap* h) {
      if (h) internal::MapIterInit(&it_, h);
    }
    internal::HIter it_;
    // The std::string Key() returns for StrKey slots (nothing for other maps).
    struct NoKey {};
    [[no_unique_address]] mutable std::conditional_t<kStrSlots, std::string, NoKey> key_;
  };

 private:
  friend struct internal::MapPeer;

  // mapaccess. For the fast key kinds, the common case (a map that is not growing nor
  // being written) is looked up right here, as Go's compiler calls mapaccess1_fast64 and
  // friends without a type-erased hop; everything else, and every generic key, goes to
  // MapAccess (runtime/access.cc), which keeps the checks and the Fatal.
  const void* Access(const K& k) const {
    if constexpr (kStrSlots) {
      if (k.size() > internal::StrKey::kInline) return LongKeyAccess(k);
      return ShortKeyAccess(k);
    }
    return InlineAccess(k);
  }
  // A string key is looked up by one call, as Go's mapaccess1_faststr is. For a key of
  // at most 16 bytes (ShortKeyAccess), XXH3's short-input hash and the compare with the
  // slots' words (StrKey::Words) use the same loads of its bytes, and the function makes
  // no call on that path, so it saves almost no registers. `flatten` keeps it so: with
  // three such functions (the lookup, ShortKeyAssign, ShortKeyDelete) calling them, GCC
  // stopped inlining StrKey::ShortWords and XXH3's helpers into them, and this lookup
  // took two calls and two register saves, 10% slower (bench/HISTORY.md). Longer keys
  // (XXH3's longer paths, a compare of far bytes), and every key while the map grows or
  // is written, take LongKeyAccess.
  [[gnu::noinline]] const void* LongKeyAccess(const K& k) const { return InlineAccess(k); }
  [[gnu::noinline, gnu::flatten]] const void* ShortKeyAccess(const K& k) const {
    if (h_->count == 0) return nullptr;
    if (!Unhindered(h_)) [[unlikely]] return LongKeyAccess(k);
    const uint64_t hash = internal::MemHashShort(k.data(), k.size(), h_->hash0);
    const internal::StrKey::Words key = internal::StrKey::ShortWords(k);
    return FastAccess(h_, hash, [&key](internal::Bucket* c, size_t j) {
      return key.Matches(internal::DirectKeySlot<SlotKey>(c, j));
    });
  }
  [[gnu::always_inline]] const void* InlineAccess(const K& k) const {
    if constexpr (kKind != internal::KeyKind::kGeneric) {
      // No count == 0 test, unlike Go's: an empty map's scan finds nothing, a map without
      // buckets scans kNoBuckets, and one being written goes to MapAccess, which makes
      // the test first, as Go does. Without it, and with oldbuckets read from the flags
      // (Unhindered), GCC inlined the whole lookup into map_bench's loops
      // (bench/HISTORY.md).
      if (Unhindered(h_)) {
        // The slot form of the key is built here, apart from the one MapAccess takes by
        // address, so that it stays in registers.
        const SlotKey key = CoreKey(k);
        return FastAccess(h_, FastHash(k, h_->hash0), [&key](internal::Bucket* c, size_t j) {
          // StrKey::Equal reads a long key's far bytes only when the slot's length and
          // first 8 bytes match.
          return key == *static_cast<const SlotKey*>(internal::DirectKeySlot<SlotKey>(c, j));
        });
      }
    }
    const auto& key = CoreKey(k);
    return internal::MapAccess<kKind>(h_, &key);
  }
  // The key as the core takes it: k itself, or for StrKey slots a StrKey over k's bytes
  // (returned by value; callers bind it to a const reference, which keeps it for their
  // scope).
  static decltype(auto) CoreKey(const K& k) {
    if constexpr (kStrSlots) {
      return internal::StrKey::View(k);
    } else {
      return (k);
    }
  }
  // Not growing, not being written: the lookup may skip the checks and oldbuckets. One
  // byte tells both (kGrowing is set exactly while oldbuckets is).
  static bool Unhindered(const internal::HMap* h) {
    return !(h->flags.load(std::memory_order_relaxed) &
             (internal::kHashWriting | internal::kGrowing));
  }
  // The scan of MapAccess<kKind> (same hash: kKind is fast only with DefaultHash and
  // std::equal_to; same chain order and stop), on a map with no oldbuckets (and maybe no
  // buckets: bucket0 is then kNoBuckets).
  // eq(bucket, slot) compares the key of a candidate slot with the one looked up. The
  // layout is a constant here (the one MakeMap's MapType holds: same ComputeLayout), so
  // the path from the hash to the elem reads nothing but the header and the bucket.
  template <class KeyEq>
  [[gnu::always_inline]] static const void* FastAccess(const internal::HMap* h,
                                                       uint64_t hash, KeyEq&& eq) {
    using internal::Bucket;
    Bucket* b = h->bucket0 + (hash & h->bucketmask) * kLayout.bucketsize;
    // A hit reads the tophash line, then its key's and its elem's, which in a big map are
    // misses of their own: the elems follow all eight keys, on other lines than the
    // tophash. They are requested now, with the tophash line, rather than after it. In
    // maps far bigger than the caches a hit takes 8-15% less time and a miss, which needs
    // only the tophash line, up to 28% more (map_bench, 1,000,000 entries); no change
    // below 100,000. The keys of a wide slot (a StrKey bucket's are 192 bytes) fill lines
    // of their own between the tophash's and the elems': those are requested too.
    for (size_t off = 64; off + 64 <= kLayout.elemoff; off += 64) __builtin_prefetch(b + off);
    __builtin_prefetch(b + kLayout.elemoff);
    __builtin_prefetch(b + kLayout.overflowoff - 1);
    size_t i;
    b = internal::ScanChain(b, hash, static_cast<uint32_t>(kLayout.overflowoff), eq, &i);
    if (b == nullptr) return nullptr;
    unsigned char* e = b + kLayout.elemoff + i * kLayout.elemsize;
    if constexpr (kLayout.indirect_elem) {
      return *reinterpret_cast<void**>(e);
    } else {
      return e;
    }
  }
  // The object of slot i of a key or elem array: in the slot, or behind its pointer.
  template <bool kIndirect>
  static void* SlotObject(unsigned char* array, int i, size_t slot_size) {
    unsigned char* s = array + static_cast<size_t>(i) * slot_size;
    if constexpr (kIndirect) {
      return *reinterpret_cast<void**>(s);
    } else {
      return s;
    }
  }
  using SlotKey = std::conditional_t<kStrSlots, internal::StrKey, K>;
  static constexpr internal::BucketLayout kLayout = internal::ComputeLayout(
      sizeof(SlotKey), alignof(SlotKey), internal::kZeroSizeElem<V> ? 0 : sizeof(V),
      alignof(V));

  // DefaultHash<K>, inlined whole: for integer keys Go's memhash64/memhash32 (two
  // multiplies), for strings XXH3, whose general entry point the compiler would
  // otherwise call here.
  [[gnu::flatten]] static uint64_t FastHash(const K& k, uint64_t seed) {
    return DefaultHash<K>()(k, seed);
  }

  // mapassign_fast64, mapassign_fast32 and mapassign_faststr for their common case, done
  // right here: a map with buckets, not growing, not being written, no old array being
  // handed back; an integer key, or a string of at most 16 bytes (its StrKey slot is
  // three words, nothing allocated), and a value copied as bytes (nothing can throw,
  // nothing to undo); the key found in its primary bucket, or absent with a free slot
  // there and an insert that pulls neither grow trigger nor a step of the array made
  // ahead. That is all that MapAssign<kKind> does in that case, in Go's order (the
  // writing flag set before the scan, checked and cleared after the stores), with the
  // layout a constant: no call for integer keys, one for strings (as for their lookups),
  // no reads of the MapType. In every other case, a chain that goes on past the primary
  // bucket included, it changes nothing but the flag, which it puts back, and returns
  // false: MapAssign starts over and does it all. In a map far bigger than the caches an
  // insert waits for its bucket's line, and how many inserts overlap those waits depends
  // on how few instructions each one is (bench/HISTORY.md).
  static constexpr bool kInlineAssign =
      (kKind == internal::KeyKind::kFast64 || kKind == internal::KeyKind::kFast32 ||
       kKind == internal::KeyKind::kFastStr) &&
      std::is_trivially_copyable_v<V> && !kLayout.indirect_elem;
  [[gnu::always_inline]] bool InlineAssign(const K& k, const V& v) {
    if (!InlineAssignable(h_)) return false;
    return AssignInPrimary(
        FastHash(k, h_->hash0), v,
        [&k](internal::Bucket* b, unsigned i) {
          return *static_cast<const K*>(internal::DirectKeySlot<K>(b, i)) == k;
        },
        [&k](internal::Bucket* b, unsigned i) {
          std::memcpy(internal::DirectKeySlot<K>(b, i), &k, sizeof(K));
        });
  }
  // A string key of at most 16 bytes: hashed and compared as ShortKeyAccess does, and
  // stored as the three words of its slot (StrKey::Words), which is the StrKey that
  // MapAssign would build (StrKey::CopyTo of StrKey::View, with nothing to allocate).
  [[gnu::noinline, gnu::flatten]] bool ShortKeyAssign(const K& k, const V& v) {
    if (!InlineAssignable(h_)) return false;
    const internal::StrKey::Words key = internal::StrKey::ShortWords(k);
    return AssignInPrimary(
        internal::MemHashShort(k.data(), k.size(), h_->hash0), v,
        [&key](internal::Bucket* b, unsigned i) {
          return key.Matches(internal::DirectKeySlot<SlotKey>(b, i));
        },
        [&key](internal::Bucket* b, unsigned i) {
          key.StoreTo(internal::DirectKeySlot<SlotKey>(b, i));
        });
  }
  static bool InlineAssignable(const internal::HMap* h) {
    return h->buckets != nullptr && h->dying == nullptr && Unhindered(h);
  }
  // The body of the inline assigns: eq(bucket, slot) compares a candidate slot's key
  // with k, store_key(bucket, slot) writes k into a free slot. A key found equal is not
  // rewritten: the slot of an equal integer, or of an equal string of at most 16 bytes,
  // holds the same bytes (MapAssign does not rewrite them either: no kNeedKeyUpdate).
  template <class SlotEq, class StoreKey>
  [[gnu::always_inline]] bool AssignInPrimary(uint64_t hash, const V& v, SlotEq&& eq,
                                              StoreKey&& store_key) {
    using internal::Bucket, internal::HMap, internal::kHashWriting;
    HMap* const h = h_;
    internal::BeginWrite(h);
    Bucket* const b = h->bucket0 + (hash & h->bucketmask) * kLayout.bucketsize;
    const uint8_t top = internal::TopHash(hash);
    const internal::TopHashes w = internal::LoadTopHashes(b);
    const internal::SlotMask rest = internal::MatchEmptyRest(w);
    if (rest != 0) [[likely]] {
      for (internal::SlotMask m = internal::MatchTopHash(w, top) & internal::SlotsBefore(rest);
           m != 0; m &= m - 1) {
        const unsigned i = internal::FirstSlot(m);
        if (eq(b, i)) {
          StoreElem(b, i, v);
          internal::EndWrite(h);
          return true;
        }
      }
      const int64_t count = h->count + 1;
      if (!internal::OverLoadFactor(count, h->B) &&
          !internal::TooManyOverflowBuckets(h->noverflow, h->B) && count < h->ahead_at) {
        const unsigned i =
            internal::FirstSlot(internal::MatchEmpty(w) & internal::SlotsThrough(rest));
        store_key(b, i);
        StoreElem(b, i, v);
        b[i] = top;
        h->count = count;
        internal::EndWrite(h);
        return true;
      }
    }
    h->flags.store(static_cast<uint8_t>(h->flags.load(std::memory_order_relaxed) & ~kHashWriting),
                   std::memory_order_relaxed);
    return false;
  }
  // mapdelete_fast64, mapdelete_fast32 and mapdelete_faststr for their common case, the
  // same way (same keys, values and map states as the inline assigns): a map of two
  // entries or more (the delete that empties a map draws a new hash0 in MapDelete), the
  // key in its primary bucket, or absent with the chain ending there. MapDelete<kKind>
  // does the same in that case, in the same order: the slot's value zeroed (and a
  // string key's slot: invariant I12), the slot marked kEmptyOne, or kEmptyRest with
  // the run of kEmptyOne before it when nothing follows it in the chain (I8; in the
  // chain's first bucket the walk back ends at its slot 0), the count decremented.
  // Otherwise it changes nothing but the flag, which it puts back, and returns false.
  [[gnu::always_inline]] bool InlineDelete(const K& k) {
    if (!InlineAssignable(h_) || h_->count < 2) return false;
    return DeleteInPrimary(
        FastHash(k, h_->hash0),
        [&k](internal::Bucket* b, unsigned i) {
          return *static_cast<const K*>(internal::DirectKeySlot<K>(b, i)) == k;
        },
        [](internal::Bucket*, unsigned) {});  // an integer key's bytes may stay (trivial)
  }
  [[gnu::noinline, gnu::flatten]] bool ShortKeyDelete(const K& k) {
    if (!InlineAssignable(h_) || h_->count < 2) return false;
    const internal::StrKey::Words key = internal::StrKey::ShortWords(k);
    return DeleteInPrimary(
        internal::MemHashShort(k.data(), k.size(), h_->hash0),
        [&key](internal::Bucket* b, unsigned i) {
          return key.Matches(internal::DirectKeySlot<SlotKey>(b, i));
        },
        [](internal::Bucket* b, unsigned i) {
          // KeyOps<kFastStr>::Destroy: a short key owns nothing, its slot is zeroed.
          std::memset(internal::DirectKeySlot<SlotKey>(b, i), 0, sizeof(SlotKey));
        });
  }
  template <class SlotEq, class ClearKey>
  [[gnu::always_inline]] bool DeleteInPrimary(uint64_t hash, SlotEq&& eq, ClearKey&& clear_key) {
    using internal::Bucket, internal::HMap, internal::kHashWriting;
    using internal::kEmptyOne, internal::kEmptyRest, internal::kBucketCnt;
    HMap* const h = h_;
    internal::BeginWrite(h);
    Bucket* const b = h->bucket0 + (hash & h->bucketmask) * kLayout.bucketsize;
    const internal::TopHashes w = internal::LoadTopHashes(b);
    const internal::SlotMask rest = internal::MatchEmptyRest(w);
    for (internal::SlotMask m =
             internal::MatchTopHash(w, internal::TopHash(hash)) & internal::SlotsBefore(rest);
         m != 0; m &= m - 1) {
      const unsigned i = internal::FirstSlot(m);
      if (!eq(b, i)) continue;
      clear_key(b, i);
      if constexpr (!internal::kZeroSizeElem<V>) {
        std::memset(b + kLayout.elemoff + i * kLayout.elemsize, 0, kLayout.elemsize);
      }
      bool next_is_rest;
      if (i == unsigned{kBucketCnt - 1}) {
        const Bucket* ovf = *reinterpret_cast<Bucket* const*>(b + kLayout.overflowoff);
        next_is_rest = ovf == nullptr || ovf[0] == kEmptyRest;
      } else {
        next_is_rest = b[i + 1] == kEmptyRest;
      }
      if (next_is_rest) {
        for (unsigned j = i;; j--) {
          b[j] = kEmptyRest;
          if (j == 0 || b[j - 1] != kEmptyOne) break;
        }
      } else {
        b[i] = kEmptyOne;
      }
      h->count--;
      internal::EndWrite(h);
      return true;
    }
    if (rest != 0) {  // absent: the chain ends in this bucket
      internal::EndWrite(h);
      return true;
    }
    h->flags.store(static_cast<uint8_t>(h->flags.load(std::memory_order_relaxed) & ~kHashWriting),
                   std::memory_order_relaxed);
    return false;
  }

  static void StoreElem(internal::Bucket* b, unsigned i, const V& v) {
    if constexpr (!internal::kZeroSizeElem<V>) {
      std::memcpy(b + kLayout.elemoff + i * kLayout.elemsize, &v, sizeof(V));
    }
  }

  static V Elem(const void* e) {
    if constexpr (internal::kZeroSizeElem<V>) {
      return V();
    } else {
      return *static_cast<const V*>(e);
    }
  }
  internal::HMap* h_ = nullptr;
};

}  // namespace gomap

#endif  // GOMAP_MAP_H_
