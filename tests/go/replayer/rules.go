package main

// The shadow model of one table and Go's iteration rules checked against it
// (go-map-semantics §4; the same rules as oracle/iter_rules.h):
//   - a produced key is in the map at that moment, with its current value and its
//     stored key bits (-0 after an overwrite of +0 with -0);
//   - no entry is produced twice (a key deleted and re-inserted is a new entry);
//   - every entry present when the iteration began and never deleted is produced;
//   - entries created during the iteration may or may not be produced.
// NaN keys cannot be looked up: a produced NaN is matched to a not-yet-produced NaN
// entry with the same value, preferring one the iteration must produce.

import "fmt"

type entry[K comparable, V comparable] struct {
	key K
	val V
	id  uint64 // new for every insert of an absent key, kept by overwrites
}

// model is deliberately plain: entries by key (a Go map keyed by K is Go's == on keys
// that are never NaN, so +0 and -0 are one key) and NaN entries in a list.
type model[K comparable, V comparable] struct {
	entries map[K]*entry[K, V]
	nans    []*entry[K, V]
	byID    map[uint64]*entry[K, V] // every entry present, NaN ones included
	nextID  uint64
}

func newModel[K comparable, V comparable]() *model[K, V] {
	return &model[K, V]{entries: map[K]*entry[K, V]{}, byID: map[uint64]*entry[K, V]{}, nextID: 1}
}

func (m *model[K, V]) set(k K, v V) {
	if e := m.entries[k]; e != nil && !isNaN(k) {
		e.key, e.val = k, v // the stored key becomes the new one (-0 over +0)
		return
	}
	e := &entry[K, V]{k, v, m.nextID}
	m.nextID++
	m.byID[e.id] = e
	if isNaN(k) {
		m.nans = append(m.nans, e)
	} else {
		m.entries[k] = e
	}
}

func (m *model[K, V]) get(k K) (V, bool) {
	if e := m.entries[k]; e != nil && !isNaN(k) {
		return e.val, true
	}
	var zero V
	return zero, false
}

func (m *model[K, V]) del(k K) {
	if e := m.entries[k]; e != nil && !isNaN(k) {
		delete(m.byID, e.id)
		delete(m.entries, k)
	}
}

func (m *model[K, V]) clear() {
	m.entries = map[K]*entry[K, V]{}
	m.byID = map[uint64]*entry[K, V]{}
	m.nans = nil
}

func (m *model[K, V]) len() int { return len(m.entries) + len(m.nans) }

func (m *model[K, V]) present(id uint64) *entry[K, V] { return m.byID[id] }

type iterRules[K comparable, V comparable] struct {
	t        *table[K, V] // nil for a nil map
	required map[uint64]bool
	produced map[uint64]bool
}

// newIterRules: an iteration over t begins now.
func newIterRules[K comparable, V comparable](t *table[K, V]) *iterRules[K, V] {
	r := &iterRules[K, V]{t: t, required: map[uint64]bool{}, produced: map[uint64]bool{}}
	if t != nil {
		for id := range t.model.byID {
			r.required[id] = true
		}
	}
	return r
}

// yield judges one produced entry; "" when it is allowed.
func (r *iterRules[K, V]) yield(k K, v V) string {
	if r.t == nil {
		return "entry produced by a nil map"
	}
	if isNaN(k) {
		var pick *entry[K, V]
		seenProduced := false
		for _, e := range r.t.model.nans {
			if e.val != v {
				continue
			}
			if r.produced[e.id] {
				seenProduced = true
				continue
			}
			if pick == nil || (r.required[e.id] && !r.required[pick.id]) {
				pick = e
			}
		}
		if pick == nil {
			if seenProduced {
				return fmt.Sprintf("duplicate entry: every NaN entry with value %s was produced", formatLit(v))
			}
			return fmt.Sprintf("deleted entry: no NaN entry with value %s", formatLit(v))
		}
		r.produced[pick.id] = true
		return ""
	}
	e := r.t.model.entries[k]
	switch {
	case e == nil:
		return fmt.Sprintf("deleted entry: %s is not in the map", formatLit(k))
	case r.produced[e.id]:
		return fmt.Sprintf("duplicate entry: %s was already produced", formatLit(k))
	case !sameBits(e.key, k):
		return fmt.Sprintf("key: produced %s, stored key is %s", formatLit(k), formatLit(e.key))
	case e.val != v:
		return fmt.Sprintf("value: produced %s %s, current value is %s", formatLit(k), formatLit(v), formatLit(e.val))
	}
	r.produced[e.id] = true
	return ""
}

// end judges the end of the iteration: "" when no required entry was missed.
func (r *iterRules[K, V]) end() string {
	if r.t == nil {
		return ""
	}
	for id := range r.required {
		if r.produced[id] {
			continue
		}
		if e := r.t.model.present(id); e != nil {
			return fmt.Sprintf("missed entry: %s %s, present since the start, was never produced",
				formatLit(e.key), formatLit(e.val))
		}
	}
	return ""
}
