// Text traces (.trace files): FORMAT.md §2. Printing is canonical and parsing accepts
// everything printing produces, so PrintText(ParseText(PrintText(t))) == PrintText(t)
// and ParseText(PrintText(t)) is t bit for bit. Parse errors name file:line:column and
// the cause; no input crashes the parser.
#ifndef GOMAP_ORACLE_TEXT_H_
#define GOMAP_ORACLE_TEXT_H_

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oracle/trace.h"

namespace gomap::oracle {

// "gomap-trace v1 key=... value=... map=... hasher=... seed=..."
std::string HeaderText(const Config& config);
// The canonical op text, e.g. "m1.set 5 10" (no "m0." prefix).
std::string OpText(const Config& config, const Op& op);
// "<op text> -> <result>"
std::string ObservationLine(const Config& config, const Op& op, std::string_view result);

struct PrintOptions {
  size_t max_ops = std::numeric_limits<size_t>::max();  // print ops [0, max_ops)
  // results[i] is appended to op i as a comment "  # -> <result>", when present.
  const std::vector<std::string>* results = nullptr;
  // This op gets the comment "  # <-- divergence" (after its result, if any).
  size_t mark_op = std::numeric_limits<size_t>::max();
};
std::string PrintText(const Trace& trace, const PrintOptions& options = {});

struct ParseResult {
  std::optional<Trace> trace;
  std::string error;  // "<file>:<line>:<column>: <cause>" when !trace
  bool ok() const { return trace.has_value(); }
};
ParseResult ParseText(std::string_view text, std::string_view filename = "<trace>");

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_TEXT_H_
