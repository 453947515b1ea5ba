// Literal spelling (FORMAT.md §2.3) and the small key/value domains of binary traces
// (FORMAT.md §3.2). Printing is canonical, so text -> trace -> text is exact, and the
// float and string forms are Go's, so a Go program can read and print them the same way.
#ifndef GOMAP_ORACLE_LITERALS_H_
#define GOMAP_ORACLE_LITERALS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "oracle/trace.h"

namespace gomap::oracle {

// Go's math.NaN(): the only NaN a trace can name.
double GoNaN();

// strconv.FormatFloat(f, 'g', -1, 64).
std::string FormatFloat(double f);
// NaN, +Inf, -Inf, Inf, or a decimal; nullopt when s is none of those.
std::optional<double> ParseFloat(std::string_view s);

// A Go interpreted string literal using only \" \\ and \xhh escapes.
std::string QuoteString(std::string_view s);
// s must start with '"'. On success returns the bytes and sets *consumed to the length of
// the literal including both quotes; on failure returns nullopt and sets *error (and
// *consumed to the offset of the problem).
std::optional<std::string> UnquoteString(std::string_view s, size_t* consumed,
                                         std::string* error);

// {} or {i:v,...} with the nonzero words only.
std::string FormatBig(const Big& b);
std::optional<Big> ParseBig(std::string_view s, std::string* error);

std::optional<int64_t> ParseInt64(std::string_view s);
std::optional<uint64_t> ParseUint64(std::string_view s);

// Canonical text of a key or value literal of the given type.
std::string FormatKey(KeyType t, const Lit& k);
std::string FormatValue(ValueType t, const Lit& v);
// Parses one token as a key or value of the given type; error names what was expected.
std::optional<Lit> ParseKey(KeyType t, std::string_view token, std::string* error);
std::optional<Lit> ParseValue(ValueType t, std::string_view token, std::string* error);

// Binary domains: K(x) and V(y, z) of FORMAT.md §3.2. K(x) is one of a fixed table of
// literals, built on first use.
const Lit& KeyFromByte(KeyType t, uint8_t x);
Lit ValueFromInt16(ValueType t, int16_t n);
// The same, built in *out, which holds no literal yet (the decoder's new Op).
void ValueFromInt16(ValueType t, int16_t n, Lit* out);
// The inverses, for encoding; nullopt when the literal is outside the binary domain.
std::optional<uint8_t> ByteForKey(KeyType t, const Lit& k);
std::optional<int16_t> Int16ForValue(ValueType t, const Lit& v);

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_LITERALS_H_
