// The Go twin of bench/map_bench.cc: the same workloads, key streams and names
// (<Workload>/go/<key>/<N>; one op of `go test -bench` is the whole workload over N keys), run with `go test -bench` on Go 1.19 so that scripts/bench.sh can
// compare gomap with Go's own map in one run.
package gomapbench

import (
	"fmt"
	"runtime"
	"sort"
	"testing"
	"time"
)

const (
	hitSeed   = 0x5eed
	missSeed  = 0xbad5eed
	orderSeed = 0x0dde4
)

type splitMix64 struct{ s uint64 }

func (g *splitMix64) next() uint64 {
	g.s += 0x9e3779b97f4a7c15
	z := g.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func intKeys(n int, seed uint64) []int64 {
	g := splitMix64{seed}
	k := make([]int64, n)
	for i := range k {
		k[i] = int64(g.next())
	}
	return k
}

func strKeys(n int, seed uint64) []string {
	g := splitMix64{seed}
	k := make([]string, n)
	for i := range k {
		k[i] = fmt.Sprintf("%016x", g.next())
	}
	return k
}

func order(n int) []int {
	g := splitMix64{orderSeed}
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n; i > 1; i-- {
		j := int(g.next() % uint64(i))
		p[i-1], p[j] = p[j], p[i-1]
	}
	return p
}

func keyDigest() uint64 {
	h := uint64(14695981039346656037)
	for _, s := range strKeys(1000, hitSeed) {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
	}
	return h
}

// TestKeyDigest prints the digest scripts/bench.sh compares with the C++ side.
func TestKeyDigest(t *testing.T) { fmt.Printf("key digest %016x\n", keyDigest()) }

func fill[K comparable](keys []K, hint int) map[K]int64 {
	m := make(map[K]int64, hint)
	for i, k := range keys {
		m[k] = int64(i)
	}
	return m
}

func workloads[K comparable](b *testing.B, name string, mk func(int, uint64) []K) {
	for _, n := range []int{1000, 100000, 1000000} {
		keys := mk(n, hitSeed)
		sub := func(w string) string { return fmt.Sprintf("%s/go/%s/%d", w, name, n) }
		b.Run(sub("InsertNoHint"), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				fill(keys, 0)
			}
		})
		b.Run(sub("InsertHint"), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				fill(keys, n)
			}
		})
		b.Run(sub("LookupHit"), func(b *testing.B) {
			m := fill(keys, 0)
			o := order(n)
			probe := make([]K, n)
			for i := range probe {
				probe[i] = keys[o[i]]
			}
			b.ResetTimer()
			var s int64
			for i := 0; i < b.N; i++ {
				for _, k := range probe {
					if v, ok := m[k]; ok {
						s += v
					}
				}
			}
			sink = s
		})
		b.Run(sub("LookupMiss"), func(b *testing.B) {
			m := fill(keys, 0)
			miss := mk(n, missSeed)
			b.ResetTimer()
			found := 0
			for i := 0; i < b.N; i++ {
				for _, k := range miss {
					if _, ok := m[k]; ok {
						found++
					}
				}
			}
			sink = int64(found)
		})
		b.Run(sub("DeleteAll"), func(b *testing.B) {
			o := order(n)
			del := make([]K, n)
			for i := range del {
				del[i] = keys[o[i]]
			}
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				m := fill(keys, 0)
				b.StartTimer()
				for _, k := range del {
					delete(m, k)
				}
			}
		})
		b.Run(sub("IterateSum"), func(b *testing.B) {
			m := fill(keys, 0)
			b.ResetTimer()
			var s int64
			for i := 0; i < b.N; i++ {
				for _, v := range m {
					s += v
				}
			}
			sink = s
		})
		b.Run(sub("Churn"), func(b *testing.B) {
			ring := mk(2*n, hitSeed)
			m := fill(ring[:n], 0)
			oldest, next := 0, n
			g := splitMix64{orderSeed}
			probe := make([]K, n)
			b.ResetTimer()
			var s int64
			for i := 0; i < b.N; i++ {
				// This pass's lookups, built beforehand (as in LookupHit).
				b.StopTimer()
				o, np := oldest, 0
				for op := 0; op < n; op++ {
					switch op & 3 {
					case 0, 1:
						probe[np] = ring[(o+int(g.next()%uint64(n)))%(2*n)]
						np++
					case 3:
						o++
					}
				}
				b.StartTimer()
				p := 0
				for op := 0; op < n; op++ {
					switch op & 3 {
					case 0, 1:
						if v, ok := m[probe[p]]; ok {
							s += v
						}
						p++
					case 2:
						m[ring[next%(2*n)]] = int64(op)
						next++
					default:
						delete(m, ring[oldest%(2*n)])
						oldest++
					}
				}
			}
			sink = s
		})
	}
	const big = 1000000
	keys := mk(big, hitSeed)
	b.Run(fmt.Sprintf("Tail/go/%s/%d", name, big), func(b *testing.B) {
		ns := make([]int64, big)
		for i := 0; i < b.N; i++ {
			m := make(map[K]int64)
			for j, k := range keys {
				t0 := time.Now()
				m[k] = int64(j)
				ns[j] = int64(time.Since(t0))
			}
		}
		sort.Slice(ns, func(a, c int) bool { return ns[a] < ns[c] })
		b.ReportMetric(float64(ns[big-1]), "max_ns")
		b.ReportMetric(float64(ns[big-1-big/1000]), "p999_ns")
	})
	b.Run(fmt.Sprintf("Memory/go/%s/%d", name, big), func(b *testing.B) {
		var per float64
		for i := 0; i < b.N; i++ {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			m := fill(keys, 0)
			runtime.GC()
			runtime.ReadMemStats(&after)
			per = float64(after.HeapAlloc-before.HeapAlloc) / float64(big)
			runtime.KeepAlive(m)
		}
		b.ReportMetric(per, "bytes/entry")
	})
}

var sink int64

func BenchmarkMap(b *testing.B) {
	workloads(b, "int64", intKeys)
	workloads(b, "string", strKeys)
}
