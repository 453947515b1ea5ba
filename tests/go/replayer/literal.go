package main

// Literal spelling of oracle/FORMAT.md §2.3, the same rules as oracle/literals.cc: the
// printer is canonical (so Go and C++ observation lines can be compared byte for byte)
// and the parser accepts exactly what FORMAT.md allows.

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Big is Go's [25]uint64: 200 bytes, over the runtime's 128-byte limit, so the map
// stores keys and values of this type out of line (indirect).
type Big [25]uint64

// Empty is struct{}: a zero-size map element.
type Empty = struct{}

// goNaN is math.NaN(): the only NaN a trace can name (bits 0x7FF8000000000001).
var goNaN = math.NaN()

// formatFloat is the canonical float64 text: strconv.FormatFloat(f, 'g', -1, 64),
// which already spells the specials NaN, +Inf, -Inf and -0 as FORMAT.md wants.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseFloat accepts NaN, +Inf, -Inf, Inf and [+-]?(digits[.digits]|.digits)[(e|E)[+-]?digits].
// Overflow rounds to ±Inf and underflow to ±0 (strconv's ErrRange results).
func parseFloat(s string) (float64, bool) {
	switch s {
	case "NaN":
		return goNaN, true
	case "+Inf", "Inf":
		return math.Inf(1), true
	case "-Inf":
		return math.Inf(-1), true
	}
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	mant := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		mant++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			mant++
		}
	}
	if mant == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		ed := 0
		for i < len(s) && isDigit(s[i]) {
			i++
			ed++
		}
		if ed == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

// quoteString writes printable ASCII as itself except " and \, which are escaped,
// and every other byte as \xhh (lowercase hex).
func quoteString(s string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c <= 0x7e:
			b.WriteByte(c)
		default:
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	b.WriteByte('"')
	return b.String()
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// unquoteString reads the literal at the start of s (s[0] == '"'). It returns the bytes
// and the length of the literal including both quotes; on error, the offset of the
// problem and the cause.
func unquoteString(s string) (string, int, error) {
	var b strings.Builder
	i := 1
	for {
		if i >= len(s) {
			return "", i, errors.New("unterminated string literal")
		}
		c := s[i]
		if c == '"' {
			return b.String(), i + 1, nil
		}
		if c < 0x20 || c == 0x7f {
			return "", i, errors.New(`control byte in string literal (write it as \xhh)`)
		}
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", i, errors.New("unterminated string literal")
		}
		e := s[i+1]
		if k := strings.IndexByte("abfnrtv\\\"", e); k >= 0 {
			b.WriteByte("\a\b\f\n\r\t\v\\\""[k])
			i += 2
		} else if e == 'x' && i+3 < len(s) && hexDigit(s[i+2]) >= 0 && hexDigit(s[i+3]) >= 0 {
			b.WriteByte(byte(hexDigit(s[i+2])*16 + hexDigit(s[i+3])))
			i += 4
		} else {
			return "", i, errors.New(`bad escape in string literal (use \" \\ \xhh \a \b \f \n \r \t \v)`)
		}
	}
}

// formatBig writes the nonzero words only: {} for the zero array, {0:7,24:7}.
func formatBig(v Big) string {
	var b strings.Builder
	b.WriteByte('{')
	first := true
	for i, w := range v {
		if w == 0 {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(':')
		b.WriteString(strconv.FormatUint(w, 10))
	}
	b.WriteByte('}')
	return b.String()
}

func parseBig(s string) (Big, error) {
	var v Big
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return v, errors.New("expected {} or {index:value,...}")
	}
	body := s[1 : len(s)-1]
	last := -1
	for body != "" {
		item, rest, more := strings.Cut(body, ",")
		is, vs, ok := strings.Cut(item, ":")
		idx, ok1 := parseUint64(is)
		val, ok2 := parseUint64(vs)
		if !ok || !ok1 || !ok2 {
			return v, errors.New(`expected index:value in [25]uint64 literal, got "` + item + `"`)
		}
		if idx >= uint64(len(v)) || int(idx) <= last {
			return v, errors.New("[25]uint64 indices must be 0..24 and increasing")
		}
		last = int(idx)
		v[last] = val
		if !more {
			break
		}
		if rest == "" {
			return v, errors.New("trailing comma in [25]uint64 literal")
		}
		body = rest
	}
	return v, nil
}

// parseInt64 accepts -?[0-9]+ within range (no '+', no underscores).
func parseInt64(s string) (int64, bool) {
	if s == "" || s == "-" || !(isDigit(s[0]) || s[0] == '-') {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// parseUint64 accepts [0-9]+ within range.
func parseUint64(s string) (uint64, bool) {
	if s == "" || !isDigit(s[0]) {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// formatLit is the canonical text of a key or value held as its Go type.
func formatLit(x any) string {
	switch v := x.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case uint8:
		return strconv.Itoa(int(v))
	case float64:
		return formatFloat(v)
	case string:
		return quoteString(v)
	case Big:
		return formatBig(v)
	case Empty:
		return "{}"
	case bool:
		return strconv.FormatBool(v)
	}
	panic("formatLit: unexpected type")
}
