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

// Whether a file's bytes are a text trace: its first line that is not blank or a comment
// starts with the word "gomap-trace" (then a separator or the end). A binary trace starts
// with its version byte (FORMAT.md §3.1), so "gomap-trace\0..." is binary.
bool IsTextTrace(std::string_view data);

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_TEXT_H_
