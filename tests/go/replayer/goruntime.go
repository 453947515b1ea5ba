package main

// The two places where the replayer reaches into Go's runtime: clear(m) and the map
// header (for B).
//
// clear: Go 1.19 has no clear builtin. gomap's Clear is Go 1.21's clear(m), which for
// maps is exactly Go 1.19's runtime.mapclear: the compiler already emits that call for
// `for k := range m { delete(m, k) }` with reflexive keys, and Go 1.21 emits it for
// clear(m) with every key type. mapclear empties the whole table in one step: NaN
// entries go too (there is no per-key delete that could miss them), B is kept, the
// grow state and overflow buckets are dropped and hash0 is re-drawn. We therefore call
// the runtime's own mapclear through //go:linkname rather than emulate it; a delete loop
// would be wrong for float keys (NaN entries survive it, go-map-semantics §3.8) and
// would not re-draw the seed. The empty assembly file in this package (linkname.s) is
// what lets the body-less declaration below compile.

import (
	"unsafe"
)

//go:linkname runtimeMapclear runtime.mapclear
func runtimeMapclear(t unsafe.Pointer, h unsafe.Pointer)

// eface is the layout of an empty interface: the dynamic type (for a map type, the
// runtime's *maptype, whose first field is the *_type) and the data word (for a map,
// which is pointer-shaped, the *hmap itself).
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// mapClear is clear(m) with Go 1.21 semantics (see above). A nil map is a no-op, as
// in mapclear.
func mapClear[K comparable, V any](m map[K]V) {
	var i any = m
	e := (*eface)(unsafe.Pointer(&i))
	runtimeMapclear(e.typ, e.data)
}

// hmapHeader is the start of Go 1.19's runtime.hmap (go-map-semantics §1.1), 48 bytes
// on 64-bit targets.
type hmapHeader struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	extra      unsafe.Pointer
}

const (
	flagSameSizeGrow = 8
	bucketCnt        = 8
)

// headerOf returns m's header, or nil for a nil map.
func headerOf[K comparable, V any](m map[K]V) *hmapHeader {
	return *(**hmapHeader)(unsafe.Pointer(&m))
}

// headerState is what the growth rules look at before an insert.
type headerState struct {
	count     int
	B         uint8
	noverflow uint16
	growing   bool
}

func stateOf(h *hmapHeader) headerState {
	return headerState{h.count, h.B, h.noverflow, h.oldbuckets != nil}
}

// overLoadFactor is Go's: count > 8 && count > 13 * (2^B / 2).
func overLoadFactor(count int, B uint8) bool {
	return count > bucketCnt && uint64(count) > 13*((uint64(1)<<B)/2)
}

// tooManyOverflowBuckets is Go's same-size grow trigger.
func tooManyOverflowBuckets(noverflow uint16, B uint8) bool {
	if B > 15 {
		B = 15
	}
	return noverflow >= uint16(1)<<(B&15)
}

// startedSameSizeGrow tells, from the header before an op and the count after it,
// whether that op began a same-size grow: mapassign's rule for a new key is
// `!growing && (overLoadFactor(count+1, B) || tooManyOverflowBuckets(noverflow, B))`,
// and the grow is same-size exactly when the load factor is not the reason. The grow
// may finish within the same op (a small table is evacuated at once), so looking at
// the flags afterwards would miss it.
func startedSameSizeGrow(before headerState, countAfter int) bool {
	return countAfter == before.count+1 && !before.growing &&
		!overLoadFactor(before.count+1, before.B) &&
		tooManyOverflowBuckets(before.noverflow, before.B)
}
