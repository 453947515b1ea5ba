// Divergence reports in their fixed order (see executor.h), and the pieces other tools
// print on their own: a Stats line and the stable signature.
#ifndef GOMAP_ORACLE_REPORT_H_
#define GOMAP_ORACLE_REPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "gomap/internal/hmap.h"
#include "oracle/trace.h"

namespace gomap::oracle {

// "count=3 B=0 noverflow=0 flags=0x3 hash0=... growing=false ..."
std::string FormatStats(const Stats& s);

// "gomap divergence: " + the given words, with anything that is not a letter, a space
// or one of "-_" removed (so no numbers, addresses or keys leak into the signature).
std::string Signature(std::string_view words);

struct ReportParts {
  std::string signature;
  size_t failed_op;      // index into trace.ops, or trace.ops.size() for the end
  std::string got;
  std::string want;
  const Trace* trace;
  const std::vector<std::string>* results;  // results of ops [0, failed_op]
  std::string map_name;  // "m0"; empty when the op had no map (nil or iterator op)
  std::string stats;     // FormatStats of that map
  std::string dump;      // its Dump()
};
std::string BuildReport(const ReportParts& p);

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_REPORT_H_
