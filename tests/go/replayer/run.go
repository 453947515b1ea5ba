package main

// Runs a trace on real Go maps of the configured types and produces one canonical
// observation line per op (oracle/FORMAT.md §2.4), the same lines the C++ executor
// prints for gomap.
//
// Iterators. A trace advances several range loops step by step, interleaved with other
// ops, which Go's for-range statement cannot express. reflect.MapIter can: it holds the
// runtime's own hiter and drives it with the same runtime.mapiterinit and
// runtime.mapiternext that a range statement compiles to, so every step behaves exactly
// like one loop iteration (same randomised start, same growth handling, same values).
// One difference is deliberate and harmless: reflect runs mapiterinit at the first
// Next, so for Go a trace's `range` binds the iterator to the table and the iteration
// begins at the first `next`/`drain`; ops in between run, for Go, just before the range
// statement. What an iteration yields then is still one a range loop can yield, and the
// comparison only checks such iterations by rule (classify.go).
//
// Each table has a shadow model (the entries with ids, NaN entries in a list), used to
// check Go's iteration rules on every step (rules.go) and, as a self-check of this
// program, every get/lookup/len against the real map.

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// Options of a run.
type Options struct {
	// ReportB appends " B=<b0>,<b1>,<b2>,<b3>" (B of m0..m3, "-" for nil) to every
	// observation line, and " samesize" when the op began a same-size grow.
	ReportB bool
}

// Result of a run.
type Result struct {
	Lines      []string // one observation line per op
	Violations []string // broken iteration rules or self-check failures
	// ClearedLive[i]: op i is a next/drain of an iterator whose table was cleared
	// while it was live (Go 1.19 may yield cleared entries there; not checked).
	ClearedLive []bool
}

// Run executes tr on Go maps.
func Run(tr *Trace, o Options) *Result {
	switch tr.Config.Key {
	case KeyInt64:
		return runWithKey[int64](tr, o)
	case KeyString:
		return runWithKey[string](tr, o)
	case KeyFloat64:
		return runWithKey[float64](tr, o)
	case KeyBig:
		return runWithKey[Big](tr, o)
	case KeyUint8:
		return runWithKey[uint8](tr, o)
	}
	panic("unknown key type")
}

func runWithKey[K comparable](tr *Trace, o Options) *Result {
	switch tr.Config.Value {
	case ValueInt64:
		return newRunner[K, int64](tr, o).run()
	case ValueBig:
		return newRunner[K, Big](tr, o).run()
	case ValueEmpty:
		return newRunner[K, Empty](tr, o).run()
	}
	panic("unknown value type")
}

// table is one Go map (what make created) with its shadow model.
type table[K comparable, V comparable] struct {
	m     map[K]V
	model *model[K, V]
}

// handle is a map variable m0..m3: nil, or a table shared with its aliases.
type handle[K comparable, V comparable] struct {
	m map[K]V // the real map value (nil map when t == nil)
	t *table[K, V]
}

type iterator[K comparable, V comparable] struct {
	live   bool             // started by range, not broken, not finished
	mi     *reflect.MapIter // over the table captured at range
	t      *table[K, V]     // nil for a nil map
	hasCur bool
	cur    K
	// cleared: the table was cleared while this iterator was live; Go 1.19 may then
	// yield entries the clear removed (Go issues 59411, 70189), so its rules are off.
	cleared bool
	rules   *iterRules[K, V]
}

type runner[K comparable, V comparable] struct {
	tr  *Trace
	o   Options
	h   [numHandles]handle[K, V]
	its [numIterators]iterator[K, V]
	res Result
	op  int // index of the op being run
}

func newRunner[K comparable, V comparable](tr *Trace, o Options) *runner[K, V] {
	return &runner[K, V]{tr: tr, o: o}
}

func (r *runner[K, V]) newTable(hint int64) *table[K, V] {
	// make(map, hint) with a run-time hint: negative or oversized hints give an empty
	// map (runtime.makemap zeroes them), as in every Go program.
	return &table[K, V]{m: make(map[K]V, int(hint)), model: newModel[K, V]()}
}

func (r *runner[K, V]) violate(format string, args ...any) {
	r.res.Violations = append(r.res.Violations,
		fmt.Sprintf("%s:%d: %s: %s", r.tr.Name, r.tr.Ops[r.op].Line, OpText(r.tr.Ops[r.op]),
			fmt.Sprintf(format, args...)))
}

func (r *runner[K, V]) run() *Result {
	c := r.tr.Config
	if !c.Nil && !hintRefused(c.Hint) {
		t := r.newTable(c.Hint)
		r.h[0] = handle[K, V]{t.m, t}
	}
	r.res.ClearedLive = make([]bool, len(r.tr.Ops))
	for i, op := range r.tr.Ops {
		r.op = i
		var before headerState
		var hdr *hmapHeader
		if opTable[op.Code].usesHandle {
			if hdr = headerOf(r.h[op.Handle].m); hdr != nil {
				before = stateOf(hdr)
			}
		}
		line := OpText(op) + " -> " + r.do(op)
		if r.o.ReportB {
			line += r.bSuffix()
			if (op.Code == OpSet || op.Code == OpSetIt) && hdr != nil &&
				headerOf(r.h[op.Handle].m) == hdr && startedSameSizeGrow(before, hdr.count) {
				line += " samesize"
			}
		}
		r.res.Lines = append(r.res.Lines, line)
	}
	return &r.res
}

func (r *runner[K, V]) bSuffix() string {
	parts := make([]string, numHandles)
	for i, h := range r.h {
		if hdr := headerOf(h.m); hdr == nil {
			parts[i] = "-"
		} else {
			if hdr.count != len(h.m) {
				r.violate("map header unreadable: count %d, len %d", hdr.count, len(h.m))
			}
			parts[i] = strconv.Itoa(int(hdr.B))
		}
	}
	return " B=" + strings.Join(parts, ",")
}

// do runs one op and returns its result text.
func (r *runner[K, V]) do(op Op) string {
	h := &r.h[op.Handle]
	switch op.Code {
	case OpMake:
		if hintRefused(op.N) {
			return "skipped"
		}
		t := r.newTable(op.N)
		*h = handle[K, V]{t.m, t}
		return "ok"
	case OpNil:
		*h = handle[K, V]{}
		return "ok"
	case OpAlias:
		r.h[op.N] = *h
		return "ok"
	case OpSet:
		return r.set(h, op.Key.(K), op.Value.(V))
	case OpGet:
		k := op.Key.(K)
		v := h.m[k]
		if h.t != nil {
			want, _ := h.t.model.get(k)
			if v != want {
				r.violate("self-check: Go map gives %s, model %s", formatLit(v), formatLit(want))
			}
		}
		return formatLit(v)
	case OpLookup:
		k := op.Key.(K)
		v, ok := h.m[k]
		if h.t != nil {
			want, wantOK := h.t.model.get(k)
			if v != want || ok != wantOK {
				r.violate("self-check: Go map gives %s %v, model %s %v",
					formatLit(v), ok, formatLit(want), wantOK)
			}
		}
		return formatLit(v) + " " + strconv.FormatBool(ok)
	case OpDelete:
		r.del(h, op.Key.(K))
		return "ok"
	case OpLen:
		n := len(h.m)
		if h.t != nil && n != h.t.model.len() {
			r.violate("self-check: len %d, model %d", n, h.t.model.len())
		}
		return strconv.Itoa(n)
	case OpClear:
		mapClear(h.m)
		if h.t != nil {
			h.t.model.clear()
			if n := len(h.m); n != 0 {
				r.violate("self-check: len %d after clear", n)
			}
			for i := range r.its {
				if it := &r.its[i]; it.live && it.t == h.t {
					it.cleared = true
				}
			}
		}
		return "ok"
	case OpRange:
		it := &r.its[op.N]
		*it = iterator[K, V]{live: true, mi: reflect.ValueOf(h.m).MapRange(), t: h.t}
		return "ok"
	case OpNext:
		it := &r.its[op.N]
		if k, v, ok := r.step(it); ok {
			return formatLit(k) + " " + formatLit(v)
		}
		return "end"
	case OpBreak:
		r.its[op.N] = iterator[K, V]{}
		return "ok"
	case OpDrain:
		it := &r.its[op.N]
		var got []string
		for {
			k, v, ok := r.step(it)
			if !ok {
				break
			}
			got = append(got, formatLit(k)+" "+formatLit(v))
		}
		sort.Strings(got)
		return "[" + strings.Join(got, ", ") + "]"
	case OpDelIt:
		it := &r.its[op.N]
		if !it.hasCur {
			return "none"
		}
		r.del(h, it.cur)
		return "ok"
	case OpSetIt:
		it := &r.its[op.N]
		if !it.hasCur {
			return "none"
		}
		return r.set(h, it.cur, op.Value.(V))
	case OpAudit:
		return "ok"
	}
	panic("unknown op")
}

// set is m[k] = v, recovering the nil-map panic.
func (r *runner[K, V]) set(h *handle[K, V], k K, v V) (result string) {
	defer func() {
		if p := recover(); p != nil {
			if h.m != nil {
				r.violate("unexpected panic on a non-nil map: %v", p)
			}
			result = "panic: " + panicText(p)
		}
	}()
	h.m[k] = v
	if h.t != nil {
		h.t.model.set(k, v)
	}
	return "ok"
}

func (r *runner[K, V]) del(h *handle[K, V], k K) {
	delete(h.m, k)
	if h.t != nil {
		h.t.model.del(k)
	}
}

// panicText is what an unrecovered panic prints after "panic: ".
func panicText(p any) string {
	switch e := p.(type) {
	case runtime.Error:
		return e.Error()
	case error:
		return e.Error()
	}
	return fmt.Sprint(p)
}

// step advances it once: the next entry, or ok == false at the end.
func (r *runner[K, V]) step(it *iterator[K, V]) (k K, v V, ok bool) {
	if !it.live {
		return k, v, false
	}
	if it.rules == nil && !it.cleared {
		// The runtime's iteration begins now (reflect's lazy mapiterinit): the entries
		// present now and never deleted must all be produced.
		it.rules = newIterRules[K, V](it.t)
	}
	if !it.mi.Next() {
		if it.rules != nil && !it.cleared {
			if msg := it.rules.end(); msg != "" {
				r.violate("iteration rule: %s", msg)
			}
		}
		r.res.ClearedLive[r.op] = r.res.ClearedLive[r.op] || it.cleared
		*it = iterator[K, V]{}
		return k, v, false
	}
	k = it.mi.Key().Interface().(K)
	v = it.mi.Value().Interface().(V)
	it.hasCur, it.cur = true, k
	if it.cleared {
		r.res.ClearedLive[r.op] = true
	} else if msg := it.rules.yield(k, v); msg != "" {
		r.violate("iteration rule: %s", msg)
	}
	return k, v, true
}

// sameBits is identity of stored keys: -0 and +0 differ, every NaN is the same.
func sameBits[K comparable](a, b K) bool {
	if fa, ok := any(a).(float64); ok {
		fb := any(b).(float64)
		return math.Float64bits(fa) == math.Float64bits(fb) || (fa != fa && fb != fb)
	}
	return a == b
}

func isNaN[K comparable](k K) bool { return k != k }
