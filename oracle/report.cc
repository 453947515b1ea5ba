// Divergence report layout; see report.h.
#include "oracle/report.h"

#include <cstdio>

#include "oracle/text.h"

namespace gomap::oracle {

std::string FormatStats(const Stats& s) {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "count=%lld B=%u noverflow=%u flags=0x%x hash0=0x%08x growing=%s "
                "same_size_grow=%s nevacuate=%llu noldbuckets=%llu overflow_buckets=%llu "
                "old_overflow_buckets=%llu",
                static_cast<long long>(s.count), unsigned{s.B}, unsigned{s.noverflow},
                unsigned{s.flags}, static_cast<unsigned>(s.hash0),
                s.growing ? "true" : "false", s.same_size_grow ? "true" : "false",
                static_cast<unsigned long long>(s.nevacuate),
                static_cast<unsigned long long>(s.noldbuckets),
                static_cast<unsigned long long>(s.overflow_buckets),
                static_cast<unsigned long long>(s.old_overflow_buckets));
  return buf;
}

std::string Signature(std::string_view words) {
  std::string out = "gomap divergence: ";
  bool space = false;
  for (char c : words) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
    if (letter) {
      if (space && out.back() != ' ') out += ' ';
      out += c;
      space = false;
    } else {
      space = true;
    }
  }
  return out;
}

std::string BuildReport(const ReportParts& p) {
  const Trace& t = *p.trace;
  std::string r = "ASSERTION FAILURE: " + p.signature + "\n";
  if (p.failed_op < t.ops.size()) {
    r += "op " + std::to_string(p.failed_op) + " of " + std::to_string(t.ops.size()) + ": " +
         OpText(t.config, t.ops[p.failed_op]) + "\n";
  } else {
    r += "after the last op\n";
  }
  r += "got:  " + p.got + "\n";
  r += "want: " + p.want + "\n";
  r += "--- text trace up to the failing op (observations as comments) ---\n";
  PrintOptions po;
  po.max_ops = p.failed_op < t.ops.size() ? p.failed_op + 1 : t.ops.size();
  po.results = p.results;
  po.mark_op = p.failed_op;
  r += PrintText(t, po);
  if (!p.map_name.empty()) {
    r += "--- " + p.map_name + ": stats ---\n" + p.stats + "\n";
    r += "--- " + p.map_name + ": layout ---\n" + p.dump;
    if (!p.dump.empty() && p.dump.back() != '\n') r += "\n";
  }
  return r;
}

}  // namespace gomap::oracle
