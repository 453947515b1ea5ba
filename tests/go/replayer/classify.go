package main

// Which observation lines two implementations must agree on, decided by rule from the
// trace and Go's own results, never by hand.
//
//   literal    the line depends only on the map's contents (get, lookup, len, set
//              panics, ...) or on nothing at all (ok): compared byte for byte.
//   shape      `next` of a clean iterator (nothing written to its table since `range`,
//              contents determined at `range`): which entry comes is order-dependent, but
//              whether one comes or the iteration ends is not: compared as end/entry.
//   multiset   the end of a clean iteration (`drain`, or `next` -> end) after earlier
//              `next`s: the multiset of everything it produced is compared.
//              (A `drain` of a clean iterator with no earlier `next` is simply literal.)
//   rules      `next`/`drain` of an iterator whose table was written during the
//              iteration, and `delit`/`setit` results that depend on such a `next`: what
//              is produced is timing-dependent; each side checks Go's iteration rules
//              against its own model, and the comparison is that both pass.
//   clearlive  `next`/`drain` of an iterator whose table was cleared while it was live:
//              Go 1.19 may produce cleared entries there (Go issues 59411, 70189), gomap
//              follows the language rule (architecture.md); skipped by rule.
//   tainted    get/lookup/len of a table whose contents depend on iteration order: once
//              `delit`/`setit` acts on the key of a `next` (which key that is depends on
//              the order), the table's contents are order-dependent until a `clear`
//              empties it (or the handle is re-made).
//
// B (the -b suffix) is compared per handle while the handle's table has had no
// same-size grow on either side and no order-dependent write: B then follows from the
// sequence of counts alone (go-map-semantics §3.9; doubling always completes before the
// next threshold), so it must be equal.

type class int

const (
	classLiteral class = iota
	classShape
	classMultiset
	classRules
	classClearLive
	classTainted
)

var classNames = []string{"literal", "shape", "multiset", "rules", "clearlive", "tainted"}

// opClass is the verdict for one op.
type opClass struct {
	class class
	iter  int // the iterator of next/drain (shape/multiset bookkeeping), else -1
	// opTable is the table of the op's handle before the op (-1: nil or no handle):
	// a " samesize" marker on this line stops B comparison for it.
	opTable int
	// bTaint is a table whose B stops being comparable at this op (-1: none).
	bTaint int
	// tables[h] is the table of handle h after the op (-1: nil).
	tables [numHandles]int
	// restart: this op begins a new iteration of iter (range, break), dropping what an
	// earlier one produced.
	restart bool
}

type clsTable struct {
	id      int
	tainted bool
}

type curState int

const (
	curNone    curState = iota // no current key: delit/setit give "none" on both sides
	curSet                     // a clean next produced an entry: a key is current on both sides
	curUnknown                 // depends on timing
)

type clsIter struct {
	started bool
	t       *clsTable // nil: nil map
	clean   bool
	nexts   int // entries produced by clean nexts so far
	cur     curState
}

// classify assigns a class to every op of tr given Go's results (goRes[i] is the
// result text of op i) and which ops ran on iterators cleared while live.
func classify(tr *Trace, goRes []string, clearedLive []bool) []opClass {
	var handles [numHandles]*clsTable
	var iters [numIterators]clsIter
	nextID := 0
	newTable := func() *clsTable { nextID++; return &clsTable{id: nextID - 1} }
	if !tr.Config.Nil && !hintRefused(tr.Config.Hint) {
		handles[0] = newTable()
	}
	id := func(t *clsTable) int {
		if t == nil {
			return -1
		}
		return t.id
	}
	// write: a mutation of t (a non-nil table) makes every iteration over it unclean.
	write := func(t *clsTable) {
		for i := range iters {
			if iters[i].started && iters[i].t == t {
				iters[i].clean = false
			}
		}
	}
	out := make([]opClass, len(tr.Ops))
	for i, op := range tr.Ops {
		c := opClass{class: classLiteral, iter: -1, opTable: -1, bTaint: -1}
		var t *clsTable
		if opTable[op.Code].usesHandle {
			t = handles[op.Handle]
			c.opTable = id(t)
		}
		switch op.Code {
		case OpMake:
			if !hintRefused(op.N) {
				handles[op.Handle] = newTable()
			}
		case OpNil:
			handles[op.Handle] = nil
		case OpAlias:
			handles[op.N] = t
		case OpSet, OpDelete:
			if t != nil {
				write(t)
			}
		case OpClear:
			if t != nil {
				write(t)
				t.tainted = false // both sides now hold an empty table
			}
		case OpGet, OpLookup, OpLen:
			if t != nil && t.tainted {
				c.class = classTainted
			}
		case OpRange:
			iters[op.N] = clsIter{started: true, t: t, clean: t == nil || !t.tainted}
			c.iter, c.restart = int(op.N), true
		case OpBreak:
			iters[op.N] = clsIter{}
			c.iter, c.restart = int(op.N), true
		case OpNext, OpDrain:
			it := &iters[op.N]
			c.iter = int(op.N)
			switch {
			case !it.started:
				// never started, broken or finished: "end" / "[]" on both sides
			case clearedLive[i]:
				c.class = classClearLive
				it.cur = curUnknown
			case !it.clean:
				c.class = classRules
				it.cur = curUnknown
			case op.Code == OpDrain || goRes[i] == "end":
				if it.nexts > 0 {
					c.class = classMultiset
				}
				*it = clsIter{}
			default:
				c.class = classShape
				it.nexts++
				it.cur = curSet
			}
			if op.Code == OpDrain {
				// drain always runs to the end: no current key on either side, and the
				// iterator is finished on both.
				*it = clsIter{}
			}
		case OpDelIt, OpSetIt:
			it := &iters[op.N]
			if it.cur == curUnknown {
				c.class = classRules
			}
			if it.cur != curNone && t != nil {
				write(t)
				t.tainted = true
				c.bTaint = t.id
			}
		}
		for h := range handles {
			c.tables[h] = id(handles[h])
		}
		out[i] = c
	}
	return out
}
