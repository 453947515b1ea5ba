package main

import (
	"math"
	"testing"
)

func TestFormatFloatIsFormatMdSpelling(t *testing.T) {
	cases := map[float64]string{
		0: "0", 1.5: "1.5", -60: "-60", 100000: "100000", 1e6: "1e+06", 1234567: "1.234567e+06",
		0.0001: "0.0001", 1e-5: "1e-05", 0.1: "0.1", 1e21: "1e+21", 5e-324: "5e-324",
		math.MaxFloat64: "1.7976931348623157e+308", math.Inf(1): "+Inf", math.Inf(-1): "-Inf",
		math.Copysign(0, -1): "-0", goNaN: "NaN", 1.0 / 3: "0.3333333333333333",
	}
	for f, want := range cases {
		if got := formatFloat(f); got != want {
			t.Errorf("formatFloat(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestParseFloatAcceptsExactlyTheGrammar(t *testing.T) {
	good := map[string]float64{
		"NaN": goNaN, "+Inf": math.Inf(1), "Inf": math.Inf(1), "-Inf": math.Inf(-1),
		"1": 1, "-1.5": -1.5, "+2": 2, "3.": 3, ".5": 0.5, "-.5": -0.5, "1e3": 1000, "1E+3": 1000,
		"2e-3": 0.002, "1e400": math.Inf(1), "-1e400": math.Inf(-1), "-0": math.Copysign(0, -1),
	}
	for s, want := range good {
		got, ok := parseFloat(s)
		if !ok || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("parseFloat(%q) = %v %v, want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", ".", "e5", "1e", "0x10", "1_000", "inf", "nan", "NAN", "+-1", "1.2.3", " 1", "infinity"} {
		if _, ok := parseFloat(s); ok {
			t.Errorf("parseFloat(%q) accepted", s)
		}
	}
	if got, _ := parseFloat("NaN"); math.Float64bits(got) != 0x7FF8000000000001 {
		t.Errorf("NaN bits %#x, want math.NaN()'s", math.Float64bits(got))
	}
}

func TestStringQuotingRoundTripsEveryByte(t *testing.T) {
	var all []byte
	for i := 0; i < 256; i++ {
		all = append(all, byte(i))
	}
	q := quoteString(string(all))
	for i := 0; i < len(q); i++ {
		if q[i] < 0x20 || q[i] > 0x7e {
			t.Fatalf("quoted text has byte %#x", q[i])
		}
	}
	back, used, err := unquoteString(q)
	if err != nil || used != len(q) || back != string(all) {
		t.Fatalf("unquote(quote(all bytes)) = %q, %d, %v", back, used, err)
	}
	if got := quoteString("a\"b\\c d#\x00\xff"); got != `"a\"b\\c d#\x00\xff"` {
		t.Errorf("quoteString = %s", got)
	}
	if got, _, err := unquoteString(`"\a\b\f\n\r\t\v\x4A\x4a"`); err != nil || got != "\a\b\f\n\r\t\vJJ" {
		t.Errorf("escapes: %q %v", got, err)
	}
	for _, bad := range []string{`"abc`, `"\q"`, `"\x4"`, "\"a\tb\"", `"\u0041"`} {
		if _, _, err := unquoteString(bad); err == nil {
			t.Errorf("unquoteString(%s) accepted", bad)
		}
	}
}

func TestBigLiterals(t *testing.T) {
	var b Big
	if formatBig(b) != "{}" {
		t.Errorf("zero: %s", formatBig(b))
	}
	b[0], b[24] = 7, 7
	if formatBig(b) != "{0:7,24:7}" {
		t.Errorf("got %s", formatBig(b))
	}
	if got, err := parseBig("{0:7,3:0,24:7}"); err != nil || got != b {
		t.Errorf("parseBig: %v %v", got, err)
	}
	for _, bad := range []string{"{", "{0:1,}", "{1:1,0:1}", "{25:1}", "{0:-1}", "{0:1, 2:3}", "{a:1}"} {
		if _, err := parseBig(bad); err == nil {
			t.Errorf("parseBig(%s) accepted", bad)
		}
	}
}

func TestIntegers(t *testing.T) {
	if n, ok := parseInt64("-9223372036854775808"); !ok || n != math.MinInt64 {
		t.Error("MinInt64")
	}
	for _, bad := range []string{"", "-", "+5", "9223372036854775808", "1_0", "0x1", " 1"} {
		if _, ok := parseInt64(bad); ok {
			t.Errorf("parseInt64(%q) accepted", bad)
		}
	}
	if _, ok := parseUint64("18446744073709551615"); !ok {
		t.Error("MaxUint64")
	}
}
