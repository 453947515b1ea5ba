package main

import (
	"math"
	"math/rand"
	"reflect"
	"sort"
	"testing"
)

func TestMapClearRemovesNaNEntriesKeepsBAndReseeds(t *testing.T) {
	m := make(map[float64]int64)
	for i := 0; i < 100; i++ {
		m[float64(i)] = int64(i)
		m[goNaN] = int64(i)
	}
	h := headerOf(m)
	b, seed := h.B, h.hash0
	mapClear(m)
	if len(m) != 0 || h.count != 0 {
		t.Fatalf("len %d after mapClear, want 0 (NaN entries must go too)", len(m))
	}
	if h.B != b || h.noverflow != 0 || h.oldbuckets != nil {
		t.Errorf("after clear: B %d (was %d), noverflow %d, growing %v", h.B, b, h.noverflow, h.oldbuckets != nil)
	}
	if h.hash0 == seed {
		t.Errorf("hash0 not re-drawn (chance 2^-32)")
	}
	m[1] = 1
	if m[1] != 1 || len(m) != 1 {
		t.Errorf("map unusable after clear")
	}
	var nilMap map[string]int64
	mapClear(nilMap) // a no-op, like clear(nil map)

	// Why not a delete loop: Go 1.19 leaves NaN entries behind.
	d := map[float64]int64{goNaN: 1, 2: 2}
	for k := range d {
		delete(d, k)
	}
	if len(d) != 1 {
		t.Errorf("delete loop left %d entries, expected the NaN one", len(d))
	}
}

func TestHeaderReadsCountAndHintB(t *testing.T) {
	// go-map-semantics §3.2: 0..8 -> 0, 9..13 -> 1, 14..26 -> 2, 27..52 -> 3, 53..104 -> 4,
	// 105..208 -> 5; negative and absurd hints -> 0.
	want := map[int64]uint8{-1 << 62: 0, -1: 0, 0: 0, 8: 0, 9: 1, 13: 1, 14: 2, 26: 2, 27: 3,
		52: 3, 53: 4, 104: 4, 105: 5, 208: 5, 209: 6, 1 << 62: 0, hugeHint + 1: 0}
	for hint, b := range want {
		m := make(map[int64]Big, int(hint))
		if got := headerOf(m).B; got != b {
			t.Errorf("make(map, %d): B %d, want %d", hint, got, b)
		}
	}
	m := make(map[string]int64)
	for i := 0; i < 1000; i++ {
		m[string(rune(i))] = 1
		if headerOf(m).count != len(m) {
			t.Fatalf("header count %d, len %d", headerOf(m).count, len(m))
		}
	}
	if headerOf(map[int64]int64(nil)) != nil {
		t.Error("nil map has a header")
	}
}

// The same-size grow detector must fire exactly when Go starts one: churn at a fixed
// size accumulates overflow buckets until tooManyOverflowBuckets.
func TestStartedSameSizeGrowMatchesTheRuntime(t *testing.T) {
	m := make(map[int64]int64)
	h := func() *hmapHeader { return headerOf(m) }
	for i := int64(0); i < 40; i++ {
		m[i] = i
	}
	seen := 0
	for i := int64(40); i < 200000 && seen < 3; i++ {
		before := stateOf(h())
		m[i] = i
		started := startedSameSizeGrow(before, h().count)
		// A same-size grow of B >= 1 takes at least one more write to finish, so it
		// is visible right after the insert that started it.
		visible := !before.growing && h().oldbuckets != nil && h().flags&flagSameSizeGrow != 0
		if started != visible {
			t.Fatalf("insert %d: detector says %v, runtime shows same-size grow %v (B %d)", i, started, visible, h().B)
		}
		if started {
			seen++
			if h().B != before.B {
				t.Fatalf("same-size grow changed B %d -> %d", before.B, h().B)
			}
		}
		delete(m, i-40)
	}
	if seen == 0 {
		t.Fatal("no same-size grow in 200000 churn steps")
	}
}

// reflect.MapIter is the runtime's hiter driven by mapiterinit/mapiternext, as a range
// statement is: it sets the same iterator flags and yields the same entries.
func TestMapIterIsTheRangeStatement(t *testing.T) {
	mk := func() map[float64]int64 {
		m := make(map[float64]int64)
		for i := 0; i < 50; i++ {
			m[float64(i)] = int64(i)
		}
		m[goNaN], m[math.Copysign(0, -1)] = 7, 8
		return m
	}
	a, b := mk(), mk()
	var fromRange, fromIter []string
	for k, v := range a {
		fromRange = append(fromRange, formatLit(k)+" "+formatLit(v))
	}
	it := reflect.ValueOf(b).MapRange()
	for it.Next() {
		fromIter = append(fromIter, formatLit(it.Key().Interface())+" "+formatLit(it.Value().Interface()))
	}
	sort.Strings(fromRange)
	sort.Strings(fromIter)
	if !reflect.DeepEqual(fromRange, fromIter) {
		t.Errorf("range %v\nMapIter %v", fromRange, fromIter)
	}
	if fa, fb := headerOf(a).flags, headerOf(b).flags; fa != fb || fa&3 != 3 {
		t.Errorf("flags after range %#x, after MapIter %#x; want iterator|oldIterator on both", fa, fb)
	}
}

// Random traces with every op, several live iterators and growth: Go must pass every
// iteration rule and the replayer's self-check (its model agrees with the real map).
func TestRandomTracesObeyGoIterationRules(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for n := 0; n < 300; n++ {
		tr := randomTrace(rng)
		res := Run(tr, Options{ReportB: true})
		if len(res.Violations) > 0 {
			t.Fatalf("trace %d: %v\n%s", n, res.Violations, traceText(tr))
		}
		if len(res.Lines) != len(tr.Ops) {
			t.Fatalf("trace %d: %d lines for %d ops", n, len(res.Lines), len(tr.Ops))
		}
	}
}

func traceText(tr *Trace) string {
	s := HeaderText(tr.Config) + "\n"
	for _, op := range tr.Ops {
		s += OpText(op) + "\n"
	}
	return s
}

func randomTrace(rng *rand.Rand) *Trace {
	cfg := Config{Key: KeyType(rng.Intn(5)), Value: ValueType(rng.Intn(3)), Hint: int64(rng.Intn(20)), Hasher: "default"}
	domain := 1 + rng.Intn(300)
	key := func() any {
		x := rng.Intn(domain)
		switch cfg.Key {
		case KeyInt64:
			return int64(x)
		case KeyString:
			return string(rune('a'+x%26)) + formatLit(int64(x))
		case KeyFloat64:
			if x%17 == 0 {
				return goNaN
			}
			if x%19 == 0 {
				return math.Copysign(0, float64(x%2*2-1))
			}
			return float64(x) / 2
		case KeyBig:
			return Big{0: uint64(x), 24: uint64(x >> 3)}
		}
		return uint8(x)
	}
	value := func() any {
		x := rng.Int63n(1000)
		switch cfg.Value {
		case ValueInt64:
			return x
		case ValueBig:
			return Big{3: uint64(x)}
		}
		return Empty{}
	}
	tr := &Trace{Name: "random", Config: cfg}
	for i := 0; i < 50+rng.Intn(600); i++ {
		op := Op{Handle: rng.Intn(4) * (rng.Intn(4) / 3), Line: i + 2}
		switch r := rng.Intn(100); {
		case r < 40:
			op.Code, op.Key, op.Value = OpSet, key(), value()
		case r < 50:
			op.Code, op.Key = OpGet, key()
		case r < 55:
			op.Code, op.Key = OpLookup, key()
		case r < 68:
			op.Code, op.Key = OpDelete, key()
		case r < 70:
			op.Code = OpLen
		case r < 71:
			op.Code = OpClear
		case r < 72:
			op.Code, op.N = OpMake, int64(rng.Intn(40)-5)
		case r < 73:
			op.Code, op.N = OpAlias, int64(rng.Intn(4))
		case r < 77:
			op.Code, op.N = OpRange, int64(rng.Intn(4))
		case r < 90:
			op.Code, op.N, op.Handle = OpNext, int64(rng.Intn(4)), 0
		case r < 92:
			op.Code, op.N, op.Handle = OpDrain, int64(rng.Intn(4)), 0
		case r < 95:
			op.Code, op.N = OpDelIt, int64(rng.Intn(4))
		case r < 97:
			op.Code, op.N, op.Value = OpSetIt, int64(rng.Intn(4)), value()
		case r < 98:
			op.Code, op.N, op.Handle = OpBreak, int64(rng.Intn(4)), 0
		default:
			op.Code = OpNil
		}
		tr.Ops = append(tr.Ops, op)
	}
	return tr
}
