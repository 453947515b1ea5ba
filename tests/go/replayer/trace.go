package main

// Text traces (oracle/FORMAT.md §2): the header, the operation table (the same rows as
// oracle/ops.def) and a parser whose errors name file:line:column like oracle/text.cc.

import (
	"fmt"
	"strconv"
	"strings"
)

type KeyType int

const (
	KeyInt64 KeyType = iota
	KeyString
	KeyFloat64
	KeyBig
	KeyUint8
)

var keyTypeNames = []string{"int64", "string", "float64", "big", "uint8"}

type ValueType int

const (
	ValueInt64 ValueType = iota
	ValueBig
	ValueEmpty
)

var valueTypeNames = []string{"int64", "big", "empty"}

var hasherNames = []string{"default", "const", "lowbits", "topbyte", "few"}

// Config is the header. Hasher and Seed only matter to the C++ runtime.
type Config struct {
	Key    KeyType
	Value  ValueType
	Nil    bool
	Hint   int64
	Hasher string
	Seed   uint64
}

type OpCode int

const (
	OpSet OpCode = iota
	OpGet
	OpLookup
	OpDelete
	OpLen
	OpClear
	OpMake
	OpNil
	OpAlias
	OpRange
	OpNext
	OpBreak
	OpDrain
	OpDelIt
	OpSetIt
	OpAudit
)

type operands int

const (
	opsNone operands = iota
	opsKey
	opsKeyValue
	opsHint
	opsIter
	opsIterValue
	opsHandle
)

// opTable mirrors oracle/ops.def: text, operand shape, whether the op takes a map handle.
var opTable = []struct {
	text       string
	operands   operands
	usesHandle bool
}{
	OpSet:    {"set", opsKeyValue, true},
	OpGet:    {"get", opsKey, true},
	OpLookup: {"lookup", opsKey, true},
	OpDelete: {"delete", opsKey, true},
	OpLen:    {"len", opsNone, true},
	OpClear:  {"clear", opsNone, true},
	OpMake:   {"make", opsHint, true},
	OpNil:    {"nil", opsNone, true},
	OpAlias:  {"alias", opsHandle, true},
	OpRange:  {"range", opsIter, true},
	OpNext:   {"next", opsIter, false},
	OpBreak:  {"break", opsIter, false},
	OpDrain:  {"drain", opsIter, false},
	OpDelIt:  {"delit", opsIter, true},
	OpSetIt:  {"setit", opsIterValue, true},
	OpAudit:  {"audit", opsNone, true},
}

const (
	numHandles   = 4
	numIterators = 4
	// make hints in (maxHint, hugeHint] are refused by every executor (FORMAT.md §2.2).
	maxHint  = int64(1) << 20
	hugeHint = int64(1) << 48
)

func hintRefused(h int64) bool { return h > maxHint && h <= hugeHint }

// Op is one operation. Key and Value hold the Go value of the configured type
// (int64, uint8, float64, string, Big; values int64, Big, Empty).
type Op struct {
	Code   OpCode
	Handle int
	Key    any
	Value  any
	N      int64 // hint, iterator id or destination handle
	Line   int   // 1-based line in the text, for messages
}

type Trace struct {
	Name   string
	Config Config
	Ops    []Op
}

// OpText is the canonical op text: handle prefix only when not m0.
func OpText(op Op) string {
	var b strings.Builder
	if op.Handle != 0 {
		fmt.Fprintf(&b, "m%d.", op.Handle)
	}
	info := opTable[op.Code]
	b.WriteString(info.text)
	switch info.operands {
	case opsKey:
		b.WriteString(" " + formatLit(op.Key))
	case opsKeyValue:
		b.WriteString(" " + formatLit(op.Key) + " " + formatLit(op.Value))
	case opsHint, opsIter:
		b.WriteString(" " + strconv.FormatInt(op.N, 10))
	case opsIterValue:
		b.WriteString(" " + strconv.FormatInt(op.N, 10) + " " + formatLit(op.Value))
	case opsHandle:
		b.WriteString(" m" + strconv.FormatInt(op.N, 10))
	}
	return b.String()
}

// HeaderText is the canonical header line.
func HeaderText(c Config) string {
	m := "nil"
	if !c.Nil {
		m = "make(" + strconv.FormatInt(c.Hint, 10) + ")"
	}
	return fmt.Sprintf("gomap-trace v1 key=%s value=%s map=%s hasher=%s seed=%d",
		keyTypeNames[c.Key], valueTypeNames[c.Value], m, c.Hasher, c.Seed)
}

// ParseError is "<file>:<line>:<column>: <cause>".
type ParseError struct {
	File         string
	Line, Column int
	Cause        string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Cause)
}

type token struct {
	text   string
	column int // 1-based
}

// tokenize splits a line into tokens; a string literal is one token; '#' outside a
// literal starts a comment.
func tokenize(line string) ([]token, int, error) {
	var toks []token
	i := 0
	for i < len(line) {
		c := line[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		if c == '#' {
			break
		}
		start := i
		if c == '"' {
			_, used, err := unquoteString(line[i:])
			if err != nil {
				return nil, i + used + 1, err
			}
			i += used
			if i < len(line) && line[i] != ' ' && line[i] != '\t' && line[i] != '#' {
				return nil, i + 1, fmt.Errorf("unexpected text right after a string literal")
			}
		} else {
			for i < len(line) && line[i] != ' ' && line[i] != '\t' && line[i] != '#' {
				i++
			}
		}
		toks = append(toks, token{line[start:i], start + 1})
	}
	return toks, 0, nil
}

// ParseTrace reads a text trace.
func ParseTrace(text, file string) (*Trace, error) {
	tr := &Trace{Name: file}
	haveHeader := false
	lines := strings.Split(text, "\n")
	for n, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		fail := func(col int, format string, args ...any) error {
			return &ParseError{file, n + 1, col, fmt.Sprintf(format, args...)}
		}
		toks, col, err := tokenize(line)
		if err != nil {
			return nil, fail(col, "%s", err)
		}
		if len(toks) == 0 {
			continue
		}
		if !haveHeader {
			if err := parseHeader(toks, &tr.Config, fail); err != nil {
				return nil, err
			}
			haveHeader = true
			continue
		}
		op, err := parseOp(tr.Config, toks, len(line)+1, fail)
		if err != nil {
			return nil, err
		}
		op.Line = n + 1
		tr.Ops = append(tr.Ops, op)
	}
	if !haveHeader {
		return nil, &ParseError{file, 1, 1,
			"missing header line (gomap-trace v1 key=... value=... map=... hasher=... seed=...)"}
	}
	return tr, nil
}

type failFunc func(col int, format string, args ...any) error

func indexOf(names []string, s string) int {
	for i, n := range names {
		if n == s {
			return i
		}
	}
	return -1
}

func parseHeader(t []token, c *Config, fail failFunc) error {
	if t[0].text != "gomap-trace" {
		return fail(t[0].column, `missing header line: expected "gomap-trace v1 ..." before any op`)
	}
	if len(t) < 2 || t[1].text != "v1" {
		col := t[0].column + len(t[0].text)
		if len(t) >= 2 {
			col = t[1].column
		}
		return fail(col, "unsupported trace version (this reader knows v1)")
	}
	fields := []string{"key", "value", "map", "hasher", "seed"}
	seen := make([]bool, len(fields))
	for _, tok := range t[2:] {
		name, v, hasEq := strings.Cut(tok.text, "=")
		f := indexOf(fields, name)
		if !hasEq || f < 0 {
			return fail(tok.column, `unknown header field "%s" (expected key=, value=, map=, hasher=, seed=)`, tok.text)
		}
		if seen[f] {
			return fail(tok.column, "duplicate header field %s", fields[f])
		}
		seen[f] = true
		ok := true
		switch f {
		case 0:
			k := indexOf(keyTypeNames, v)
			ok = k >= 0
			c.Key = KeyType(k)
		case 1:
			k := indexOf(valueTypeNames, v)
			ok = k >= 0
			c.Value = ValueType(k)
		case 2:
			if v == "nil" {
				c.Nil, c.Hint = true, 0
			} else if len(v) > 6 && strings.HasPrefix(v, "make(") && strings.HasSuffix(v, ")") {
				c.Hint, ok = parseInt64(v[5 : len(v)-1])
				c.Nil = false
			} else {
				ok = false
			}
		case 3:
			ok = indexOf(hasherNames, v) >= 0
			c.Hasher = v
		case 4:
			c.Seed, ok = parseUint64(v)
		}
		if !ok {
			allowed := []string{"int64, string, float64, big, uint8", "int64, big, empty",
				"nil or make(<int64>)", "default, const, lowbits, topbyte, few", "a decimal uint64"}
			return fail(tok.column+len(name)+1, `bad %s "%s" (expected %s)`, fields[f], v, allowed[f])
		}
	}
	for f := range fields {
		if !seen[f] {
			last := t[len(t)-1]
			return fail(last.column+len(last.text), "header is missing %s=", fields[f])
		}
	}
	return nil
}

func parseKey(kt KeyType, s string) (any, error) {
	bad := func(what string) error {
		return fmt.Errorf("expected %s key, got %s", what, quoteString(s))
	}
	switch kt {
	case KeyInt64:
		if n, ok := parseInt64(s); ok {
			return n, nil
		}
		return nil, bad("int64")
	case KeyUint8:
		if n, ok := parseUint64(s); ok && n <= 255 {
			return uint8(n), nil
		}
		return nil, bad("uint8")
	case KeyFloat64:
		if f, ok := parseFloat(s); ok {
			return f, nil
		}
		return nil, bad("float64")
	case KeyString:
		if s == "" || s[0] != '"' {
			return nil, bad("string")
		}
		v, used, err := unquoteString(s)
		if err != nil {
			return nil, err
		}
		if used != len(s) {
			return nil, bad("string")
		}
		return v, nil
	case KeyBig:
		v, err := parseBig(s)
		if err != nil {
			return nil, fmt.Errorf("expected [25]uint64 key: %s", err)
		}
		return v, nil
	}
	return nil, bad("?")
}

func parseValue(vt ValueType, s string) (any, error) {
	switch vt {
	case ValueInt64:
		if n, ok := parseInt64(s); ok {
			return n, nil
		}
		return nil, fmt.Errorf("expected int64 value, got %s", quoteString(s))
	case ValueBig:
		v, err := parseBig(s)
		if err != nil {
			return nil, fmt.Errorf("expected [25]uint64 value: %s", err)
		}
		return v, nil
	case ValueEmpty:
		if s == "{}" {
			return Empty{}, nil
		}
		return nil, fmt.Errorf("expected {} (struct{} value), got %s", quoteString(s))
	}
	return nil, fmt.Errorf("bad value type")
}

func parseOp(c Config, t []token, endColumn int, fail failFunc) (Op, error) {
	var op Op
	name, nameCol := t[0].text, t[0].column
	handle := -1
	if len(name) >= 3 && name[0] == 'm' && isDigit(name[1]) && name[2] == '.' {
		if name[1] > '3' {
			return op, fail(t[0].column, "map handle must be m0..m3")
		}
		handle = int(name[1] - '0')
		name = name[3:]
		nameCol += 3
	}
	code := -1
	for i, info := range opTable {
		if info.text == name {
			code = i
		}
	}
	if code < 0 {
		return op, fail(nameCol, `unknown op "%s"`, name)
	}
	info := opTable[code]
	if handle >= 0 && !info.usesHandle {
		return op, fail(t[0].column, "%s takes no map handle", info.text)
	}
	op.Code = OpCode(code)
	if handle > 0 {
		op.Handle = handle
	}
	shapes := []string{"", "<key>", "<key> <value>", "<hint>", "<iterator 0..3>",
		"<iterator 0..3> <value>", "m<0..3>"}
	usage := info.text + " " + shapes[info.operands]
	want := map[operands]int{opsNone: 0, opsKey: 1, opsHint: 1, opsIter: 1, opsHandle: 1,
		opsKeyValue: 2, opsIterValue: 2}[info.operands]
	if len(t)-1 > want {
		return op, fail(t[want+1].column, "too many operands (usage: %s)", usage)
	}
	if len(t)-1 < want {
		return op, fail(endColumn, "missing operand (usage: %s)", usage)
	}
	var err error
	switch info.operands {
	case opsKey, opsKeyValue:
		if op.Key, err = parseKey(c.Key, t[1].text); err != nil {
			return op, fail(t[1].column, "%s", err)
		}
		if info.operands == opsKeyValue {
			if op.Value, err = parseValue(c.Value, t[2].text); err != nil {
				return op, fail(t[2].column, "%s", err)
			}
		}
	case opsHint:
		n, ok := parseInt64(t[1].text)
		if !ok {
			return op, fail(t[1].column, "expected int64 hint, got %s", quoteString(t[1].text))
		}
		op.N = n
	case opsIter, opsIterValue:
		s := t[1].text
		if len(s) != 1 || s[0] < '0' || s[0] > '3' {
			return op, fail(t[1].column, "expected iterator id 0..3, got %s", quoteString(s))
		}
		op.N = int64(s[0] - '0')
		if info.operands == opsIterValue {
			if op.Value, err = parseValue(c.Value, t[2].text); err != nil {
				return op, fail(t[2].column, "%s", err)
			}
		}
	case opsHandle:
		s := t[1].text
		if len(s) != 2 || s[0] != 'm' || s[1] < '0' || s[1] > '3' {
			return op, fail(t[1].column, "expected map handle m0..m3, got %s", quoteString(s))
		}
		op.N = int64(s[1] - '0')
	}
	return op, nil
}
