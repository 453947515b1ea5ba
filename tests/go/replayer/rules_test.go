package main

import (
	"math"
	"strings"
	"testing"
)

func newTableWith(entries map[float64]int64, nans ...int64) *table[float64, int64] {
	t := &table[float64, int64]{model: newModel[float64, int64]()}
	for k, v := range entries {
		t.model.set(k, v)
	}
	for _, v := range nans {
		t.model.set(goNaN, v)
	}
	return t
}

// The checker must catch every kind of broken iteration, or Go passing it means nothing.
func TestIterRulesCatchBrokenIterations(t *testing.T) {
	negZero := math.Copysign(0, -1)
	cases := []struct {
		name  string
		steps func(r *iterRules[float64, int64], tb *table[float64, int64]) string
		want  string
	}{
		{"duplicate", func(r *iterRules[float64, int64], _ *table[float64, int64]) string {
			r.yield(1, 1)
			return r.yield(1, 1)
		}, "duplicate entry"},
		{"deleted before reached", func(r *iterRules[float64, int64], tb *table[float64, int64]) string {
			tb.model.del(2)
			return r.yield(2, 2)
		}, "deleted entry"},
		{"stale value", func(r *iterRules[float64, int64], tb *table[float64, int64]) string {
			tb.model.set(1, 10)
			return r.yield(1, 1)
		}, "value"},
		{"stale key bits", func(r *iterRules[float64, int64], tb *table[float64, int64]) string {
			tb.model.set(negZero, 5)
			return r.yield(0, 5)
		}, "key"},
		{"missed", func(r *iterRules[float64, int64], _ *table[float64, int64]) string {
			r.yield(1, 1)
			r.yield(goNaN, 7)
			return r.end()
		}, "missed entry"},
		{"NaN produced twice", func(r *iterRules[float64, int64], _ *table[float64, int64]) string {
			r.yield(goNaN, 7)
			return r.yield(goNaN, 7)
		}, "duplicate entry"},
		{"NaN with no such value", func(r *iterRules[float64, int64], _ *table[float64, int64]) string {
			return r.yield(goNaN, 8)
		}, "deleted entry"},
	}
	for _, c := range cases {
		tb := newTableWith(map[float64]int64{0: 5, 1: 1, 2: 2}, 7)
		got := c.steps(newIterRules(tb), tb)
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: got %q, want %q...", c.name, got, c.want)
		}
	}
	// A correct iteration, with a deleted-and-reinserted key produced twice, passes.
	tb := newTableWith(map[float64]int64{1: 1, 2: 2}, 7)
	r := newIterRules(tb)
	for _, s := range []string{r.yield(1, 1), r.yield(goNaN, 7)} {
		if s != "" {
			t.Fatal(s)
		}
	}
	tb.model.del(1)
	tb.model.set(1, 3)
	for _, s := range []string{r.yield(1, 3), r.yield(2, 2), r.end()} {
		if s != "" {
			t.Fatal(s)
		}
	}
}
