package main

// Compares another implementation's observation lines for a trace (gomap's, or a Go
// output recorded earlier) with Go's, op by op, by the classes of classify.go.

import (
	"fmt"
	"sort"
	"strings"
)

// Counts sums up comparisons.
type Counts struct {
	Traces      int
	Literal     int // lines compared byte for byte
	Shape       int // next lines compared as end/entry
	Multiset    int // iterations compared as multisets
	BCompared   int // B values compared (handle x op)
	Rules       int // lines only checked by rule on each side
	ClearLive   int // lines skipped by rule: iterator cleared while live
	Tainted     int // lines skipped by rule: contents depend on iteration order
	BSkipped    int // B values not compared (same-size grow or order-dependent writes)
	Differences int
}

func (c *Counts) Add(o Counts) {
	c.Traces += o.Traces
	c.Literal += o.Literal
	c.Shape += o.Shape
	c.Multiset += o.Multiset
	c.BCompared += o.BCompared
	c.Rules += o.Rules
	c.ClearLive += o.ClearLive
	c.Tainted += o.Tainted
	c.BSkipped += o.BSkipped
	c.Differences += o.Differences
}

func (c Counts) Compared() int { return c.Literal + c.Shape + c.Multiset }

// Difference is one disagreement.
type Difference struct {
	Op         int    // op index, -1 for the whole output
	Line       int    // line of the op in the trace file
	What       string // what differs
	Go, Other  string
	OtherLabel string
}

// splitB separates " B=..." (and " samesize") from an observation line.
func splitB(line string) (obs, b string, samesize bool, hasB bool) {
	if strings.HasSuffix(line, " samesize") {
		line = strings.TrimSuffix(line, " samesize")
		samesize = true
	}
	i := strings.LastIndex(line, " B=")
	if i < 0 {
		return line, "", samesize, false
	}
	return line[:i], line[i+3:], samesize, true
}

// drainEntries splits a drain result "[k v, k v]" into its entries. Keys and values are
// canonical literals: only a string key can contain ", " or "]", and string literals
// never contain a raw '"'.
func drainEntries(res string) ([]string, bool) {
	if len(res) < 2 || res[0] != '[' || res[len(res)-1] != ']' {
		return nil, false
	}
	body := res[1 : len(res)-1]
	var out []string
	for body != "" {
		i := 0
		if body[0] == '"' {
			_, used, err := unquoteString(body)
			if err != nil {
				return nil, false
			}
			i = used
		}
		j := strings.Index(body[i:], ", ")
		if j < 0 {
			out = append(out, body)
			break
		}
		out = append(out, body[:i+j])
		body = body[i+j+2:]
	}
	return out, true
}

// compareOutputs compares other (lines of another implementation) with Go's run of tr.
func compareOutputs(tr *Trace, goRes *Result, cls []opClass, other []string, label string) (Counts, []Difference) {
	var cnt Counts
	var diffs []Difference
	diff := func(i int, what, g, o string) {
		line := 0
		if i >= 0 {
			line = tr.Ops[i].Line
		}
		diffs = append(diffs, Difference{Op: i, Line: line, What: what, Go: g, Other: o, OtherLabel: label})
	}
	if len(other) != len(tr.Ops) {
		diff(-1, fmt.Sprintf("%s printed %d observation lines for %d ops", label, len(other), len(tr.Ops)),
			fmt.Sprintf("%d lines", len(goRes.Lines)), fmt.Sprintf("%d lines", len(other)))
	}
	var goProduced, otherProduced [numIterators][]string
	bTainted := map[int]bool{}
	n := len(tr.Ops)
	if len(other) < n {
		n = len(other)
	}
	for i := 0; i < n; i++ {
		c := cls[i]
		op := tr.Ops[i]
		gObs, gB, gSame, _ := splitB(goRes.Lines[i])
		oObs, oB, oSame, oHasB := splitB(other[i])
		prefix := OpText(op) + " -> "
		if !strings.HasPrefix(oObs, prefix) {
			diff(i, "op text", gObs, oObs)
			continue
		}
		gR, oR := strings.TrimPrefix(gObs, prefix), strings.TrimPrefix(oObs, prefix)
		if c.restart {
			goProduced[c.iter], otherProduced[c.iter] = nil, nil
		}
		switch c.class {
		case classLiteral:
			cnt.Literal++
			if gR != oR {
				diff(i, "result", gObs, oObs)
			}
			if c.iter >= 0 && (op.Code == OpDrain || gR == "end") {
				goProduced[c.iter], otherProduced[c.iter] = nil, nil
			}
		case classShape:
			cnt.Shape++
			if (gR == "end") != (oR == "end") {
				diff(i, "iteration length (nothing wrote the map during this iteration)", gObs, oObs)
			}
			goProduced[c.iter] = append(goProduced[c.iter], gR)
			otherProduced[c.iter] = append(otherProduced[c.iter], oR)
		case classMultiset:
			cnt.Multiset++
			g, o := goProduced[c.iter], otherProduced[c.iter]
			if op.Code == OpDrain {
				ge, ok1 := drainEntries(gR)
				oe, ok2 := drainEntries(oR)
				if !ok1 || !ok2 {
					diff(i, "malformed drain result", gObs, oObs)
				}
				g, o = append(append([]string{}, g...), ge...), append(append([]string{}, o...), oe...)
			} else if oR != "end" {
				diff(i, "iteration length (nothing wrote the map during this iteration)", gObs, oObs)
			}
			gs, os := multiset(g), multiset(o)
			if gs != os {
				diff(i, "entries produced by the whole iteration (nothing wrote the map during it)",
					gObs+"  # whole iteration: "+gs, oObs+"  # whole iteration: "+os)
			}
			goProduced[c.iter], otherProduced[c.iter] = nil, nil
		case classRules:
			cnt.Rules++
		case classClearLive:
			cnt.ClearLive++
		case classTainted:
			cnt.Tainted++
		}

		// B: stop for a table once either side began a same-size grow in it or its
		// contents became order-dependent; compare the rest.
		if gSame || oSame {
			bTainted[c.opTable] = true
		}
		if c.bTaint >= 0 {
			bTainted[c.bTaint] = true
		}
		if !oHasB || gB == "" {
			continue
		}
		gBs, oBs := strings.Split(gB, ","), strings.Split(oB, ",")
		if len(oBs) != numHandles || len(gBs) != numHandles {
			diff(i, "malformed B suffix", goRes.Lines[i], other[i])
			continue
		}
		for h := 0; h < numHandles; h++ {
			if c.tables[h] >= 0 && bTainted[c.tables[h]] {
				cnt.BSkipped++
				continue
			}
			cnt.BCompared++
			if gBs[h] != oBs[h] {
				diff(i, fmt.Sprintf("B of m%d", h), goRes.Lines[i], other[i])
			}
		}
	}
	cnt.Traces = 1
	cnt.Differences = len(diffs)
	return cnt, diffs
}

func multiset(entries []string) string {
	s := append([]string{}, entries...)
	sort.Strings(s)
	return "[" + strings.Join(s, ", ") + "]"
}
