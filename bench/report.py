#!/usr/bin/env python3
"""Turns the rounds scripts/bench.sh collected into one markdown report.

Usage: report.py OUT_DIR ROUNDS [FILTER]
Reads OUT_DIR/cpp-<r>.json (Google Benchmark), OUT_DIR/go-<r>.txt (go test -bench) and
OUT_DIR/fuzz-speed.txt; prints markdown. Times are medians over the rounds, in ns per map
operation; ratios are computed from those medians (greater than 1 means gomap is faster,
except gomap/absl, where less than 1 would mean gomap beats absl). FILTER is the -f of
scripts/bench.sh: a run of some rows only prints their means without the targets, which
are defined over every row.
"""
import json
import math
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

CONTENDERS = ["gomap", "go", "std", "absl"]


def load(out, rounds):
    ns = defaultdict(list)        # (workload, contender, key, n) -> [ns/op]
    extra = defaultdict(list)     # (workload, contender, key, n, counter) -> [value]
    for r in range(1, rounds + 1):
        path = out / f"cpp-{r}.json"
        if path.exists():
            for b in json.loads(path.read_text())["benchmarks"]:
                parts = b["name"].split("/")
                w, c, k, n = parts[0], parts[1], parts[2], int(parts[3])
                if b.get("items_per_second"):
                    ns[(w, c, k, n)].append(1e9 / b["items_per_second"])
                for counter in ("max_ns", "p999_ns", "bytes_per_entry"):
                    if counter in b:
                        extra[(w, c, k, n, counter)].append(b[counter])
        path = out / f"go-{r}.txt"
        if path.exists():
            for line in path.read_text().splitlines():
                m = re.match(r"BenchmarkMap/(\w+)/go/(\w+)/(\d+)-\d+\s+\d+\s+([\d.]+) ns/op(.*)", line)
                if not m:
                    continue
                w, k, n, per_op, rest = m.group(1), m.group(2), int(m.group(3)), float(m.group(4)), m.group(5)
                metrics = dict((name, float(v)) for v, name in re.findall(r"([\d.e+]+) (\S+)", rest))
                if w in ("Tail", "Memory"):
                    for name, counter in (("max_ns", "max_ns"), ("p999_ns", "p999_ns"),
                                          ("bytes/entry", "bytes_per_entry")):
                        if name in metrics:
                            extra[(w, "go", k, n, counter)].append(metrics[name])
                else:
                    ns[(w, "go", k, n)].append(per_op / n)
    return ({key: statistics.median(v) for key, v in ns.items()},
            {key: statistics.median(v) for key, v in extra.items()})


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def fmt(x, digits=1):
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def main():
    out, rounds = Path(sys.argv[1]), int(sys.argv[2])
    flt = sys.argv[3] if len(sys.argv) > 3 else "."
    filtered = flt not in ("", ".", ".*")
    ns, extra = load(out, rounds)
    rows = sorted({(w, k, n) for (w, c, k, n) in ns}, key=lambda r: (r[1], r[2], r[0]))
    print(f"# gomap benchmarks ({rounds} interleaved rounds, medians, ns per map operation)\n")
    if filtered:
        print(f"Filtered run (`-f '{flt}'`): {len(rows)} row{'' if len(rows) == 1 else 's'}. "
              "The targets are defined over every row; the means below cover these rows only "
              "and measure none of them.\n")
    print("| workload | key | N | gomap | Go map | std::unordered_map | absl::flat_hash_map "
          "| Go/gomap | std/gomap | gomap/absl |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    ratios = defaultdict(list)
    for w, k, n in rows:
        t = {c: ns.get((w, c, k, n)) for c in CONTENDERS}
        g = t["gomap"]
        r = {
            "go": t["go"] / g if g and t["go"] else None,
            "std": t["std"] / g if g and t["std"] else None,
            "absl": g / t["absl"] if g and t["absl"] else None,
        }
        for name, v in r.items():
            if v:
                ratios[name].append(v)
                if w.startswith("Lookup"):
                    ratios[name + "-lookup"].append(v)
        print(f"| {w} | {k} | {n} | " + " | ".join(fmt(t[c]) for c in CONTENDERS) +
              f" | {fmt(r['go'], 2)} | {fmt(r['std'], 2)} | {fmt(r['absl'], 2)} |")
    print()
    gm = {name: fmt(geomean(ratios[name]), 2) for name in ("go", "std", "absl")}
    go_min = fmt(min(ratios['go'], default=float('nan')), 2)
    std_lookup_min = fmt(min(ratios['std-lookup'], default=float('nan')), 2)
    if filtered:
        print(f"Geometric means of these rows: Go/gomap = {gm['go']} (min {go_min}); "
              f"std/gomap = {gm['std']} (lookup rows min {std_lookup_min}); "
              f"gomap/absl = {gm['absl']}.\n")
    else:
        print(f"Geometric means: Go/gomap = {gm['go']} (target >= 1.5, and > 1 on every row: "
              f"min {go_min}); std/gomap = {gm['std']} (target > 1; lookup rows min "
              f"{std_lookup_min}); gomap/absl = {gm['absl']} (target <= 1.5).\n")

    print("## Insert latency while growing to 1,000,000 keys without a hint\n")
    if not any(key[0] == "Tail" for key in extra):
        print("Not in this run (no Tail row passed the filter).\n")
    else:
        tail_table(extra)
    print("## Memory at 1,000,000 entries (heap bytes per entry)\n")
    if not any(key[0] == "Memory" for key in extra):
        print("Not in this run (no Memory row passed the filter).")
    else:
        memory_table(extra)
    speed = out / "fuzz-speed.txt"
    if speed.exists() and speed.read_text().strip():
        print("\n## Fuzz targets (fuzz preset, one process each)\n")
        print("On the checked-in corpus: every input run the same number of times, in "
              "libFuzzer's file mode (which reads the file again at every run) and in the "
              "target's replay binary of the same build (the file read once, the runs "
              "timed); all: runs / total time; median input: the input in the middle by "
              "time. Fuzzing: libFuzzer's average over 10 s of fuzzing from the corpus "
              "with the target's options.\n")
        print("| target | corpus inputs | file mode, all | file mode, median input | "
              "in memory, all | in memory, median input | fuzzing |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for line in speed.read_text().splitlines():
            name, rate = line.split()
            n, whole, median = corpus_speed(out / f"fuzz-corpus-{name}.txt", "Executed ", 1e3)
            _, mem_whole, mem_median = corpus_speed(out / f"fuzz-replay-{name}.txt",
                                                    "Replayed ", 1e6)
            print(f"| {name} | {n} | {fmt(whole, 0)} | {fmt(median, 0)} | "
                  f"{fmt(mem_whole, 0)} | {fmt(mem_median, 0)} | {rate} |")


def tail_table(extra):
    print("| key | contender | slowest insert (ns) | p99.9 (ns) | slowest vs gomap |")
    print("|---|---|---:|---:|---:|")
    for k in ("int64", "string"):
        g = extra.get(("Tail", "gomap", k, 1000000, "max_ns"))
        for c in CONTENDERS:
            mx = extra.get(("Tail", c, k, 1000000, "max_ns"))
            p = extra.get(("Tail", c, k, 1000000, "p999_ns"))
            print(f"| {k} | {c} | {fmt(mx, 0)} | {fmt(p, 0)} | "
                  f"{fmt(mx / g if mx and g else None, 1)}x |")
    print()


def memory_table(extra):
    print("| key | " + " | ".join(CONTENDERS) + " |")
    print("|---|" + "---:|" * len(CONTENDERS))
    for k in ("int64", "string"):
        print(f"| {k} | " + " | ".join(
            fmt(extra.get(("Memory", c, k, 1000000, "bytes_per_entry"))) for c in CONTENDERS) + " |")


def corpus_speed(path, prefix, units_per_second):
    """(inputs, execs/s over all of them, execs/s of the median input) from the
    "runs N" line and the per-input lines: libFuzzer's "Executed <file> in <ms> ms",
    the replay binary's "Replayed <file>: <N> runs in <us> us"."""
    if not path.exists():
        return 0, None, None
    runs, times = 0, []
    for line in path.read_text().splitlines():
        if line.startswith("runs "):
            runs = int(line.split()[1])
        elif line.startswith(prefix):
            times.append(max(float(line.split()[-2]), 0.5))  # libFuzzer: whole ms, 0 is < 1
    if not runs or not times:
        return len(times), None, None
    times.sort()
    return (len(times), runs * len(times) * units_per_second / sum(times),
            runs * units_per_second / times[len(times) // 2])

if __name__ == "__main__":
    main()
