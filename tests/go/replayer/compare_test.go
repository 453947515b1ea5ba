package main

import (
	"strings"
	"testing"
)

// runAndCompare runs text on Go, lets edit change Go's own lines into "another
// implementation's" output, and compares.
func runAndCompare(t *testing.T, text string, edit func(lines []string) []string) (Counts, []Difference) {
	t.Helper()
	tr, err := ParseTrace(text, "t.trace")
	if err != nil {
		t.Fatal(err)
	}
	res := Run(tr, Options{ReportB: true})
	if len(res.Violations) > 0 {
		t.Fatal(res.Violations)
	}
	goRes := make([]string, len(res.Lines))
	for i, l := range res.Lines {
		obs, _, _, _ := splitB(l)
		goRes[i] = strings.TrimPrefix(obs, OpText(tr.Ops[i])+" -> ")
	}
	cls := classify(tr, goRes, res.ClearedLive)
	other := edit(append([]string{}, res.Lines...))
	return compareOutputs(tr, res, cls, other, "gomap")
}

// replace swaps the result of line i (keeping the B suffix).
func replace(lines []string, i int, result string) {
	obs, b, same, _ := splitB(lines[i])
	op := obs[:strings.Index(obs, " -> ")]
	lines[i] = op + " -> " + result + " B=" + b
	if same {
		lines[i] += " samesize"
	}
}

const header = "gomap-trace v1 key=int64 value=int64 map=make(0) hasher=default seed=1\n"

func TestIdenticalOutputsHaveNoDifference(t *testing.T) {
	cnt, diffs := runAndCompare(t, header+"set 1 1\nset 2 2\nget 1\nlookup 3\nlen\nrange 0\ndrain 0\nm1.set 1 1\n",
		func(l []string) []string { return l })
	if len(diffs) != 0 || cnt.Literal != 8 || cnt.BCompared != 32 {
		t.Errorf("counts %+v diffs %v", cnt, diffs)
	}
}

func TestLiteralDifferenceIsReported(t *testing.T) {
	_, diffs := runAndCompare(t, header+"set 1 1\nget 1\nlen\n", func(l []string) []string {
		replace(l, 1, "2")
		return l
	})
	if len(diffs) != 1 || diffs[0].Op != 1 || diffs[0].Line != 3 || diffs[0].What != "result" {
		t.Errorf("diffs %+v", diffs)
	}
}

func TestCleanIterationComparedOrderFree(t *testing.T) {
	text := header + "set 1 1\nset 2 2\nset 3 3\nrange 0\nnext 0\nnext 0\nnext 0\nnext 0\n"
	// Another order of the same entries: no difference.
	cnt, diffs := runAndCompare(t, text, func(l []string) []string {
		replace(l, 4, "3 3")
		replace(l, 5, "1 1")
		replace(l, 6, "2 2")
		return l
	})
	if len(diffs) != 0 || cnt.Shape != 3 || cnt.Multiset != 1 {
		t.Errorf("reordered: counts %+v diffs %v", cnt, diffs)
	}
	// A wrong entry: the whole-iteration multiset differs.
	_, diffs = runAndCompare(t, text, func(l []string) []string {
		replace(l, 4, "1 1")
		replace(l, 5, "1 1")
		replace(l, 6, "2 2")
		return l
	})
	if len(diffs) != 1 || diffs[0].Op != 7 {
		t.Errorf("duplicate entry: diffs %+v", diffs)
	}
	// Ending early: the length differs.
	_, diffs = runAndCompare(t, text, func(l []string) []string {
		replace(l, 6, "end")
		return l
	})
	if len(diffs) == 0 || diffs[0].Op != 6 {
		t.Errorf("early end: diffs %+v", diffs)
	}
	// A drain after some nexts: multiset of all of them.
	_, diffs = runAndCompare(t, header+"set 1 1\nset 2 2\nset 3 3\nrange 0\nnext 0\ndrain 0\n", func(l []string) []string {
		replace(l, 4, "9 9")
		return l
	})
	if len(diffs) != 1 || diffs[0].Op != 5 {
		t.Errorf("drain: diffs %+v", diffs)
	}
}

func TestIterationDuringWritesIsOnlyRuleChecked(t *testing.T) {
	text := header + "set 1 1\nset 2 2\nrange 0\nnext 0\nset 3 3\nnext 0\ndrain 0\nlen\n"
	cnt, diffs := runAndCompare(t, text, func(l []string) []string {
		replace(l, 5, "end")
		replace(l, 6, "[]")
		return l
	})
	if len(diffs) != 0 || cnt.Rules != 2 || cnt.Shape != 1 {
		t.Errorf("counts %+v diffs %v", cnt, diffs)
	}
	// len is still compared: contents do not depend on the order.
	_, diffs = runAndCompare(t, text, func(l []string) []string {
		replace(l, 7, "2")
		return l
	})
	if len(diffs) != 1 || diffs[0].Op != 7 {
		t.Errorf("len: diffs %+v", diffs)
	}
}

func TestDelitAfterNextTaintsContentsUntilClear(t *testing.T) {
	text := header + "set 1 1\nset 2 2\nrange 0\nnext 0\ndelit 0\nget 1\nlen\nclear\nlen\nget 1\n"
	cnt, diffs := runAndCompare(t, text, func(l []string) []string {
		replace(l, 5, "42") // get 1: order-dependent after delit
		replace(l, 6, "7")  // len
		return l
	})
	if len(diffs) != 0 || cnt.Tainted != 2 {
		t.Errorf("tainted: counts %+v diffs %v", cnt, diffs)
	}
	_, diffs = runAndCompare(t, text, func(l []string) []string {
		replace(l, 8, "1") // len after clear is compared again
		return l
	})
	if len(diffs) != 1 || diffs[0].Op != 8 {
		t.Errorf("after clear: diffs %+v", diffs)
	}
}

func TestClearDuringLiveIterationIsSkippedByRule(t *testing.T) {
	text := header + "set 1 1\nset 2 2\nrange 0\nnext 0\nclear\nnext 0\ndrain 0\nlen\n"
	cnt, diffs := runAndCompare(t, text, func(l []string) []string {
		replace(l, 5, "2 2") // a cleared entry, as Go 1.19 may produce
		return l
	})
	// The drain is clearlive too unless Go's iterator already ended at the next.
	if len(diffs) != 0 || cnt.ClearLive < 1 || cnt.ClearLive+cnt.Rules != 2 {
		t.Errorf("counts %+v diffs %v", cnt, diffs)
	}
}

func TestBComparedUntilSameSizeGrow(t *testing.T) {
	text := header + "set 1 1\nm1.make 100\nset 2 2\nm1.set 3 3\nset 4 4\n"
	_, diffs := runAndCompare(t, text, func(l []string) []string {
		l[2] = strings.Replace(l[2], "B=0,4", "B=1,4", 1)
		return l
	})
	if len(diffs) != 1 || diffs[0].What != "B of m0" {
		t.Errorf("diffs %+v", diffs)
	}
	// A same-size grow (reported by either side) in m0's table stops B for m0 only.
	_, diffs = runAndCompare(t, text, func(l []string) []string {
		l[2] += " samesize"
		l[4] = strings.Replace(l[4], "B=0,4", "B=1,4", 1)
		return l
	})
	if len(diffs) != 0 {
		t.Errorf("after samesize: diffs %+v", diffs)
	}
	_, diffs = runAndCompare(t, text, func(l []string) []string {
		l[2] += " samesize"
		l[4] = strings.Replace(l[4], "B=0,4", "B=0,5", 1)
		return l
	})
	if len(diffs) != 1 || diffs[0].What != "B of m1" {
		t.Errorf("m1 still compared: diffs %+v", diffs)
	}
}

func TestMissingLinesAreReported(t *testing.T) {
	_, diffs := runAndCompare(t, header+"set 1 1\nget 1\n", func(l []string) []string { return l[:1] })
	if len(diffs) != 1 || diffs[0].Op != -1 {
		t.Errorf("diffs %+v", diffs)
	}
}

func TestDrainEntriesSplitsStringKeysWithCommas(t *testing.T) {
	got, ok := drainEntries(`["a, b" 1, "c]\", " 2, "" 3]`)
	want := []string{`"a, b" 1`, `"c]\", " 2`, `"" 3`}
	if !ok || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q", got)
	}
	if got, ok := drainEntries("[]"); !ok || len(got) != 0 {
		t.Errorf("empty: %q", got)
	}
}
