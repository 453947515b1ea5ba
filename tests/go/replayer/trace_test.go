package main

import (
	"strings"
	"testing"
)

const formatExample = `# -0 over +0 while a NaN entry exists; iterate; then delete during iteration.
gomap-trace v1 key=float64 value=int64 map=make(0) hasher=lowbits seed=7
set NaN 1
set 0 2
set -0 3          # same key as 0: value 3, stored key becomes -0
len               # -> 2
range 0
next 0
delit 0
m1.set 5 5        # m1 is nil: panic
alias m1          # m1 = m0
m1.set 5 5
drain 0
`

func TestParsesFormatMdExampleAndPrintsItCanonically(t *testing.T) {
	tr, err := ParseTrace(formatExample, "ex.trace")
	if err != nil {
		t.Fatal(err)
	}
	if got := HeaderText(tr.Config); got != "gomap-trace v1 key=float64 value=int64 map=make(0) hasher=lowbits seed=7" {
		t.Errorf("header %q", got)
	}
	var ops []string
	for _, op := range tr.Ops {
		ops = append(ops, OpText(op))
	}
	want := "set NaN 1|set 0 2|set -0 3|len|range 0|next 0|delit 0|m1.set 5 5|alias m1|m1.set 5 5|drain 0"
	if got := strings.Join(ops, "|"); got != want {
		t.Errorf("ops\n got %s\nwant %s", got, want)
	}
	if tr.Ops[2].Line != 5 {
		t.Errorf("line of op 2 = %d", tr.Ops[2].Line)
	}
}

func TestParsesEveryTypeAndOp(t *testing.T) {
	text := "gomap-trace v1 seed=18446744073709551615 hasher=few map=nil value=big key=string\r\n" +
		`m0.set "a b#\"" {0:1}` + "\n" + `m3.get ""` + "\nlookup \"x\"\ndelete \"x\"\nlen\nclear\nmake -5\nnil\n" +
		"alias m2\nrange 3\nnext 3\nbreak 3\ndrain 3\ndelit 3\nsetit 3 {24:18446744073709551615}\naudit\n"
	tr, err := ParseTrace(text, "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Ops) != 16 || tr.Config.Seed != 18446744073709551615 || !tr.Config.Nil || tr.Config.Hasher != "few" {
		t.Fatalf("parsed %+v", tr)
	}
	if got := OpText(tr.Ops[0]); got != `set "a b#\"" {0:1}` {
		t.Errorf("op 0 %s", got)
	}
	if got := OpText(tr.Ops[1]); got != `m3.get ""` {
		t.Errorf("op 1 %s", got)
	}
}

func TestParseErrorsNamePosition(t *testing.T) {
	cases := map[string]string{
		"":                           "a.trace:1:1: missing header line",
		"set 1 2\n":                  "a.trace:1:1: missing header line: expected",
		"gomap-trace v2\n":           "a.trace:1:13: unsupported trace version",
		"gomap-trace v1 key=int64\n": "a.trace:1:25: header is missing value=",
		"gomap-trace v1 key=int64 value=int64 map=nil hasher=default seed=0 key=int64\n":           "a.trace:1:68: duplicate header field key",
		"gomap-trace v1 key=float64 value=int64 map=nil hasher=default seed=0\n\nset 1 1\nget x\n": `a.trace:4:5: expected float64 key, got "x"`,
		"gomap-trace v1 key=int64 value=int64 map=nil hasher=default seed=0\nm1.next 0\n":          "a.trace:2:1: next takes no map handle",
		"gomap-trace v1 key=int64 value=int64 map=nil hasher=default seed=0\nm4.len\n":             "a.trace:2:1: map handle must be m0..m3",
		"gomap-trace v1 key=int64 value=int64 map=nil hasher=default seed=0\nset 1\n":              "a.trace:2:6: missing operand",
		"gomap-trace v1 key=int64 value=int64 map=nil hasher=default seed=0\nrange 4\n":            "a.trace:2:7: expected iterator id 0..3",
		"gomap-trace v1 key=string value=int64 map=nil hasher=default seed=0\nget \"a\"b\n":        "a.trace:2:8: unexpected text right after a string literal",
		"gomap-trace v1 key=uint8 value=empty map=nil hasher=default seed=0\nset 256 {}\n":         `a.trace:2:5: expected uint8 key, got "256"`,
	}
	for text, want := range cases {
		_, err := ParseTrace(text, "a.trace")
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseTrace(%q)\n got %v\nwant prefix %s", text, err, want)
		}
	}
}
