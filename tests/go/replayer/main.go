// go-replayer runs gomap text traces (oracle/FORMAT.md) on real Go 1.19 maps and prints
// the canonical observation lines, or compares them with another implementation's.
//
//	go-replayer [-b] TRACE...
//	    Prints the observation lines of each trace (several traces: each block starts
//	    with "== <path>"). -b appends " B=<b0>,<b1>,<b2>,<b3>" (B of m0..m3 read from the
//	    map header, "-" for a nil handle) and " samesize" when the op began a
//	    same-size grow.
//	go-replayer -compare LIST
//	    LIST holds one line per trace: <trace> TAB <label> TAB <observations file>
//	    [TAB <label> TAB <observations file>...]. Runs every trace on Go (with -b) and
//	    compares each listed output with Go's by the rules of classify.go, printing every
//	    difference and a summary. The label "rejected" marks a file holding the other
//	    side's parse error for a malformed trace: Go must reject it at the same
//	    line:column.
//
// Exit status: 0 all good; 1 a difference, or Go broke an iteration rule (or this
// program's self-check failed); 2 a trace or list could not be read or parsed.
// Next after a difference: replay the trace alone with `go-replayer -b <trace>` and
// the C++ side with `gomap-observe -b <trace>`.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	reportB := flag.Bool("b", false, "append B of every handle (and same-size grow starts) to each line")
	list := flag.String("compare", "", "compare the outputs listed in this file with Go's")
	maxShown := flag.Int("max-diffs", 20, "differences printed per trace and output")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go-replayer [-b] TRACE...\n       go-replayer -compare LIST [-max-diffs N]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *list != "" {
		os.Exit(compareList(*list, *maxShown))
	}
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	status := 0
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for _, path := range flag.Args() {
		tr, err := loadTrace(path)
		if err != nil {
			w.Flush()
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		res := Run(tr, Options{ReportB: *reportB})
		if flag.NArg() > 1 {
			fmt.Fprintf(w, "== %s\n", path)
		}
		for _, l := range res.Lines {
			fmt.Fprintln(w, l)
		}
		if len(res.Violations) > 0 {
			w.Flush()
			for _, v := range res.Violations {
				fmt.Fprintln(os.Stderr, "go-replayer: Go broke a rule: "+v)
			}
			status = 1
		}
	}
	w.Flush()
	os.Exit(status)
}

func loadTrace(path string) (*Trace, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return ParseTrace(string(b), path)
}

func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil, nil
	}
	return strings.Split(s, "\n"), nil
}

func compareList(list string, maxShown int) int {
	entries, err := readLines(list)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", list, err)
		return 2
	}
	totals := map[string]*Counts{}
	var labels []string
	failedTraces, violations, rejectedAlike := 0, 0, 0
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for n, e := range entries {
		f := strings.Split(e, "\t")
		if len(f) < 3 || len(f)%2 != 1 {
			fmt.Fprintf(os.Stderr, "%s:%d: expected <trace> TAB <label> TAB <file>...\n", list, n+1)
			return 2
		}
		tr, err := loadTrace(f[0])
		var perr *ParseError
		if err != nil && !errors.As(err, &perr) {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		if perr != nil || hasLabel(f, rejectedLabel) {
			if compareRejection(out, f, perr) {
				rejectedAlike++
			} else {
				failedTraces++
			}
			continue
		}
		res := Run(tr, Options{ReportB: true})
		goRes := make([]string, len(res.Lines))
		for i, l := range res.Lines {
			obs, _, _, _ := splitB(l)
			goRes[i] = strings.TrimPrefix(obs, OpText(tr.Ops[i])+" -> ")
		}
		cls := classify(tr, goRes, res.ClearedLive)
		failed := false
		for _, v := range res.Violations {
			fmt.Fprintf(out, "GO-RULE %s\n", v)
			violations++
			failed = true
		}
		for j := 1; j < len(f); j += 2 {
			label, path := f[j], f[j+1]
			other, err := readLines(path)
			if err != nil {
				fmt.Fprintf(out, "DIFF %s: %s output unreadable: %v\n", tr.Name, label, err)
				failed = true
				continue
			}
			cnt, diffs := compareOutputs(tr, res, cls, other, label)
			if totals[label] == nil {
				totals[label] = &Counts{}
				labels = append(labels, label)
			}
			totals[label].Add(cnt)
			if len(diffs) > 0 {
				failed = true
				printDiffs(out, tr, res, other, label, path, diffs, maxShown)
			}
		}
		if failed {
			failedTraces++
		}
	}
	for _, label := range labels {
		c := totals[label]
		fmt.Fprintf(out, "godiff: go vs %s: %d traces, %d observations compared (%d literal, %d iteration lengths, %d whole iterations), %d B values compared; "+
			"%d lines checked only by rule on each side (order-dependent); skipped by rule: %d clear-during-iteration lines, %d order-dependent-contents lines, %d B values; "+
			"%d differences\n",
			label, c.Traces, c.Compared(), c.Literal, c.Shape, c.Multiset, c.BCompared,
			c.Rules, c.ClearLive, c.Tainted, c.BSkipped, c.Differences)
	}
	fmt.Fprintf(out, "godiff: %d traces run on Go, %d malformed ones rejected by both at the same line and column, %d Go rule violations, %d traces failed\n",
		len(entries), rejectedAlike, violations, failedTraces)
	if failedTraces > 0 {
		return 1
	}
	return 0
}

// rejectedLabel marks a file holding the other side's one-line parse error instead of
// observations.
const rejectedLabel = "rejected"

func hasLabel(f []string, label string) bool {
	for j := 1; j < len(f); j += 2 {
		if f[j] == label {
			return true
		}
	}
	return false
}

// compareRejection handles a trace that Go or another side refuses to parse: both must
// refuse it, at the same line and column (FORMAT.md §2.6). Reports and returns false
// otherwise.
func compareRejection(w *bufio.Writer, f []string, goErr *ParseError) bool {
	ok := true
	goPos := ""
	if goErr != nil {
		goPos = fmt.Sprintf("%d:%d", goErr.Line, goErr.Column)
	}
	for j := 1; j < len(f); j += 2 {
		label, path := f[j], f[j+1]
		other := ""
		if label == rejectedLabel {
			lines, err := readLines(path)
			if err != nil || len(lines) == 0 {
				fmt.Fprintf(w, "DIFF %s: rejection message unreadable: %s\n", f[0], path)
				ok = false
				continue
			}
			other = lines[0]
		}
		switch {
		case goErr == nil:
			fmt.Fprintf(w, "DIFF %s: Go parses this trace, the other side rejects it:\n  %s\n", f[0], other)
			ok = false
		case label != rejectedLabel:
			fmt.Fprintf(w, "DIFF %s: Go rejects this trace, %s ran it (%s):\n  %v\n", f[0], label, path, goErr)
			ok = false
		default:
			rest := strings.TrimPrefix(other, f[0]+":")
			parts := strings.SplitN(rest, ":", 3)
			if len(parts) < 3 || parts[0]+":"+parts[1] != goPos {
				fmt.Fprintf(w, "DIFF %s: rejected at different positions\n    go:    %v\n    other: %s\n", f[0], goErr, other)
				ok = false
			}
		}
	}
	return ok
}

// printDiffs shows each difference, then the two outputs side by side around them.
func printDiffs(w *bufio.Writer, tr *Trace, res *Result, other []string, label, path string,
	diffs []Difference, maxShown int) {
	fmt.Fprintf(w, "DIFF %s: %d difference(s) between go and %s (%s)\n", tr.Name, len(diffs), label, path)
	for k, d := range diffs {
		if k == maxShown {
			fmt.Fprintf(w, "  ... %d more\n", len(diffs)-k)
			break
		}
		if d.Op < 0 {
			fmt.Fprintf(w, "  %s\n", d.What)
			continue
		}
		fmt.Fprintf(w, "  op %d (%s:%d): %s\n    go:     %s\n    %-7s %s\n",
			d.Op, tr.Name, d.Line, d.What, d.Go, label+":", d.Other)
	}
	// Context: ten ops before the first difference to three after the last; a missing
	// tail counts as a difference where the shorter output ends.
	first, last := len(tr.Ops), -1
	for _, d := range diffs {
		op := d.Op
		if op < 0 {
			op = len(other)
			if op >= len(tr.Ops) {
				op = len(tr.Ops) - 1
			}
		}
		if op < first {
			first = op
		}
		if op > last {
			last = op
		}
	}
	from, to := first-10, last+3
	if from < 0 {
		from = 0
	}
	if to > len(tr.Ops)-1 {
		to = len(tr.Ops) - 1
	}
	if to-from > 200 {
		to = from + 200
	}
	fmt.Fprintf(w, "  --- outputs, ops %d..%d of %d (%s): '=' same line, else go then %s\n", from, to, len(tr.Ops), HeaderText(tr.Config), label)
	for i := from; i <= to; i++ {
		var o string
		if i < len(other) {
			o = other[i]
		} else {
			o = "(missing)"
		}
		if obs, _, _, _ := splitB(res.Lines[i]); res.Lines[i] == o || obs == o {
			fmt.Fprintf(w, "  %5d = %s\n", i, o)
		} else {
			fmt.Fprintf(w, "  %5d go     %s\n  %5d %-6s %s\n", i, res.Lines[i], i, label, o)
		}
	}
}
