// The trace formats themselves: the text parser never crashes and reports errors as one
// "file:line:column: cause" line; whatever parses prints canonically and round-trips
// bit for bit (PrintText . ParseText is a fixed point); and read as a binary trace, the
// same bytes decode, print, parse back and re-encode to the identical trace.
#include <string>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "oracle/text.h"

namespace {

using gomap::oracle::Trace;

// Reports a broken property (aborts); false when it is broken but ignored because
// GOMAP_FUZZ_SIGNATURE names another one: the caller must not go on.
bool Check(bool ok, const char* words, const std::string& detail) {
  if (ok) return true;
  std::string sig = std::string("gomap divergence: ") + words;
  gomap::fuzz::ReportFailure(sig, "ASSERTION FAILURE: " + sig + "\n" + detail + "\n");
  return false;
}

// The error line: "<input>:<line>:<column>: <cause>", 1-based numbers, one line.
bool WellFormedError(std::string_view e) {
  constexpr std::string_view kName = "<input>:";
  if (!e.starts_with(kName) || e.find('\n') != std::string_view::npos) return false;
  e.remove_prefix(kName.size());
  for (int field = 0; field < 2; ++field) {
    size_t digits = 0;
    while (digits < e.size() && e[digits] >= '0' && e[digits] <= '9') ++digits;
    if (digits == 0 || e[0] == '0' || digits >= e.size() || e[digits] != ':') return false;
    e.remove_prefix(digits + 1);
  }
  return e.size() > 1 && e[0] == ' ';
}

// Print -> parse -> print must reproduce the trace and the text exactly.
void CheckRoundTrip(const Trace& t, const char* what) {
  const std::string printed = gomap::oracle::PrintText(t);
  gomap::oracle::ParseResult again = gomap::oracle::ParseText(printed, "<printed>");
  if (!Check(again.ok(), "text round trip printed trace does not parse",
             std::string(what) + ": " + again.error + "\n--- printed ---\n" + printed) ||
      !Check(gomap::oracle::SameTrace(t, *again.trace), "text round trip trace changed",
             std::string(what) + "\n--- printed ---\n" + printed)) {
    return;
  }
  const std::string reprinted = gomap::oracle::PrintText(*again.trace);
  Check(reprinted == printed, "text round trip text changed",
        std::string(what) + "\n--- printed ---\n" + printed + "--- reprinted ---\n" + reprinted);
}

void RunInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  gomap::oracle::ParseResult parsed = gomap::oracle::ParseText(text, "<input>");
  if (parsed.ok()) {
    CheckRoundTrip(*parsed.trace, "the input parsed as text");
  } else {
    Check(WellFormedError(parsed.error), "text parse error line malformed",
          "error: " + parsed.error);
  }

  const Trace decoded = gomap::oracle::DecodeBinary(data, size);
  CheckRoundTrip(decoded, "the input decoded as a binary trace");
  auto encoded = gomap::oracle::EncodeBinary(decoded);
  if (!Check(encoded.has_value(), "binary round trip decoded trace does not encode",
             gomap::oracle::PrintText(decoded))) {
    return;
  }
  Check(gomap::oracle::SameTrace(decoded,
                                 gomap::oracle::DecodeBinary(encoded->data(), encoded->size())),
        "binary round trip trace changed", gomap::oracle::PrintText(decoded));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  RunInput(data, size);
  return 0;
}

// Every byte string is a valid input here (malformed text is what is being tested).
int gomap::fuzz::ReplayInput(const uint8_t* data, size_t size, const std::string&) {
  RunInput(data, size);
  return 0;
}

// The input as text: the canonical trace when it parses, else the parse error followed
// by the bytes with anything unprintable escaped.
bool gomap::fuzz::PrintInput(const uint8_t* data, size_t size, const std::string& name,
                             std::string* text) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  gomap::oracle::ParseResult parsed = gomap::oracle::ParseText(s, name);
  if (parsed.ok()) {
    *text = gomap::oracle::PrintText(*parsed.trace);
    return true;
  }
  *text = "# does not parse: " + parsed.error + "\n";
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7F && c != '\\')) {
      *text += static_cast<char>(c);
    } else {
      *text += {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
    }
  }
  if (!text->empty() && text->back() != '\n') *text += '\n';
  return true;
}
