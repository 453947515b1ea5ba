// Literal spelling and binary key/value domains; see literals.h and FORMAT.md §2.3, §3.2.
#include "oracle/literals.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

namespace gomap::oracle {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string TwoDigits(int n) {
  std::string s = std::to_string(n);
  return s.size() < 2 ? "0" + s : s;
}

}  // namespace

double GoNaN() { return std::bit_cast<double>(uint64_t{0x7FF8000000000001}); }

std::string FormatFloat(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  std::string out = std::signbit(f) ? "-" : "";
  if (f == 0) return out + "0";
  // Shortest round-trip digits d1.d2...dn e±X, then Go's %g layout with eprec = 6.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(f), std::chars_format::scientific);
  std::string_view sci(buf, r.ptr - buf);
  size_t epos = sci.find('e');
  std::string digits(1, sci[0]);
  if (epos > 1) digits += sci.substr(2, epos - 2);
  int exp = 0;
  std::string_view es = sci.substr(epos + 1);
  if (es[0] == '+') es.remove_prefix(1);
  std::from_chars(es.data(), es.data() + es.size(), exp);
  const int nd = static_cast<int>(digits.size());
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (nd > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    out += TwoDigits(std::abs(exp));
    return out;
  }
  const int dp = exp + 1;  // digits before the decimal point
  if (dp <= 0) {
    out += "0." + std::string(-dp, '0') + digits;
  } else if (dp >= nd) {
    out += digits + std::string(dp - nd, '0');
  } else {
    out += digits.substr(0, dp) + "." + digits.substr(dp);
  }
  return out;
}

std::optional<double> ParseFloat(std::string_view s) {
  if (s == "NaN") return GoNaN();
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  std::string_view body = s;
  if (!body.empty() && body[0] == '+') {
    body.remove_prefix(1);
    if (!body.empty() && body[0] == '-') return std::nullopt;
  }
  // [-](digits[.digits]|.digits)[(e|E)[+-]digits], checked by hand: from_chars alone
  // would accept "inf", "nan(...)" and hex-less oddities we do not want in traces.
  size_t i = 0;
  if (i < body.size() && body[i] == '-') ++i;
  size_t mant = 0;
  while (i < body.size() && IsDigit(body[i])) ++i, ++mant;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && IsDigit(body[i])) ++i, ++mant;
  }
  if (mant == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t ed = 0;
    while (i < body.size() && IsDigit(body[i])) ++i, ++ed;
    if (ed == 0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  // The grammar above has already accepted exactly [+-]digits[.digits][e[+-]digits], so
  // strtod reads the same characters. It rounds to nearest, gives +-Inf on overflow and a
  // signed zero or subnormal on underflow, as Go's ParseFloat does. (std::from_chars for
  // double is missing from the libc++ versions OSS-Fuzz builds with.) The C locale's
  // decimal point is '.'; nothing in gomap calls setlocale.
  std::string copy(body);
  char* end = nullptr;
  double f = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return f;
}

std::string QuoteString(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c <= 0x7E) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + "\"";
}

std::optional<std::string> UnquoteString(std::string_view s, size_t* consumed,
                                         std::string* error) {
  std::string out;
  size_t i = 1;  // s[0] == '"'
  while (true) {
    if (i >= s.size()) {
      *consumed = i;
      *error = "unterminated string literal";
      return std::nullopt;
    }
    char c = s[i];
    if (c == '"') break;
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      *consumed = i;
      *error = "control byte in string literal (write it as \\xhh)";
      return std::nullopt;
    }
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 >= s.size()) {
      *consumed = i;
      *error = "unterminated string literal";
      return std::nullopt;
    }
    char e = s[i + 1];
    static constexpr std::string_view kSimple = "abfnrtv\\\"";
    static constexpr std::string_view kMeaning = "\a\b\f\n\r\t\v\\\"";
    if (size_t k = kSimple.find(e); k != std::string_view::npos) {
      out += kMeaning[k];
      i += 2;
    } else if (e == 'x' && i + 3 < s.size() && HexDigit(s[i + 2]) >= 0 &&
               HexDigit(s[i + 3]) >= 0) {
      out += static_cast<char>(HexDigit(s[i + 2]) * 16 + HexDigit(s[i + 3]));
      i += 4;
    } else {
      *consumed = i;
      *error = "bad escape in string literal (use \\\" \\\\ \\xhh \\a \\b \\f \\n \\r \\t \\v)";
      return std::nullopt;
    }
  }
  *consumed = i + 1;
  return out;
}

std::string FormatBig(const Big& b) {
  std::string out = "{";
  bool first = true;
  for (int i = 0; i < Big::kWords; ++i) {
    if (b.w[i] == 0) continue;
    if (!first) out += ',';
    first = false;
    out += std::to_string(i) + ":" + std::to_string(b.w[i]);
  }
  return out + "}";
}

std::optional<Big> ParseBig(std::string_view s, std::string* error) {
  Big b;
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') {
    *error = "expected {} or {index:value,...}";
    return std::nullopt;
  }
  std::string_view body = s.substr(1, s.size() - 2);
  int last = -1;
  while (!body.empty()) {
    size_t comma = body.find(',');
    std::string_view item = body.substr(0, comma);
    size_t colon = item.find(':');
    std::optional<uint64_t> idx, val;
    if (colon != std::string_view::npos) {
      idx = ParseUint64(item.substr(0, colon));
      val = ParseUint64(item.substr(colon + 1));
    }
    if (!idx || !val) {
      *error = "expected index:value in [25]uint64 literal, got \"" + std::string(item) + "\"";
      return std::nullopt;
    }
    if (*idx >= Big::kWords || static_cast<int>(*idx) <= last) {
      *error = "[25]uint64 indices must be 0..24 and increasing";
      return std::nullopt;
    }
    last = static_cast<int>(*idx);
    b.w[last] = *val;
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
    if (body.empty()) {
      *error = "trailing comma in [25]uint64 literal";
      return std::nullopt;
    }
  }
  return b;
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty() || s == "-" || !(IsDigit(s[0]) || s[0] == '-')) return std::nullopt;
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<uint64_t> ParseUint64(std::string_view s) {
  if (s.empty() || !IsDigit(s[0])) return std::nullopt;
  uint64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string FormatKey(KeyType t, const Lit& k) {
  switch (t) {
    case KeyType::kInt64:
    case KeyType::kUint8:
      return std::to_string(std::get<int64_t>(k));
    case KeyType::kFloat64:
      return FormatFloat(std::get<double>(k));
    case KeyType::kString:
      return QuoteString(std::get<std::string>(k));
    case KeyType::kBig:
      return FormatBig(std::get<Big>(k));
  }
  return "?";
}

std::string FormatValue(ValueType t, const Lit& v) {
  switch (t) {
    case ValueType::kInt64:
      return std::to_string(std::get<int64_t>(v));
    case ValueType::kBig:
      return FormatBig(std::get<Big>(v));
    case ValueType::kEmpty:
      return "{}";
  }
  return "?";
}

std::optional<Lit> ParseKey(KeyType t, std::string_view tok, std::string* error) {
  auto fail = [&](std::string_view what) -> std::optional<Lit> {
    *error = "expected " + std::string(what) + " key, got " + QuoteString(tok);
    return std::nullopt;
  };
  switch (t) {
    case KeyType::kInt64:
      if (auto v = ParseInt64(tok)) return Lit(*v);
      return fail("int64");
    case KeyType::kUint8:
      if (auto v = ParseUint64(tok); v && *v <= 255) return Lit(static_cast<int64_t>(*v));
      return fail("uint8");
    case KeyType::kFloat64:
      if (auto v = ParseFloat(tok)) return Lit(*v);
      return fail("float64");
    case KeyType::kString: {
      if (tok.empty() || tok[0] != '"') return fail("string");
      size_t used = 0;
      auto s = UnquoteString(tok, &used, error);
      if (!s) return std::nullopt;
      if (used != tok.size()) return fail("string");
      return Lit(std::move(*s));
    }
    case KeyType::kBig: {
      std::string why;
      if (auto b = ParseBig(tok, &why)) return Lit(*b);
      *error = "expected [25]uint64 key: " + why;
      return std::nullopt;
    }
  }
  return fail("?");
}

std::optional<Lit> ParseValue(ValueType t, std::string_view tok, std::string* error) {
  switch (t) {
    case ValueType::kInt64:
      if (auto v = ParseInt64(tok)) return Lit(*v);
      *error = "expected int64 value, got " + QuoteString(tok);
      return std::nullopt;
    case ValueType::kBig: {
      std::string why;
      if (auto b = ParseBig(tok, &why)) return Lit(*b);
      *error = "expected [25]uint64 value: " + why;
      return std::nullopt;
    }
    case ValueType::kEmpty:
      if (tok == "{}") return Lit();
      *error = "expected {} (struct{} value), got " + QuoteString(tok);
      return std::nullopt;
  }
  return std::nullopt;
}

namespace {

// K(x), built from scratch: KeyFromByte serves it from a table.
Lit MakeKeyFromByte(KeyType t, uint8_t x) {
  switch (t) {
    case KeyType::kInt64: {
      static constexpr int64_t kSpecial[8] = {-1,
                                              -2,
                                              std::numeric_limits<int64_t>::min(),
                                              std::numeric_limits<int64_t>::max(),
                                              int64_t{1} << 32,
                                              -(int64_t{1} << 32),
                                              int64_t{1} << 62,
                                              0x00FF00FF00FF00FF};
      return x < 0xF8 ? Lit(int64_t{x}) : Lit(kSpecial[x - 0xF8]);
    }
    case KeyType::kString: {
      if (x == 0) return Lit(std::string());
      if (x < 64) return Lit(std::to_string(x));
      if (x < 128) return Lit("key-" + TwoDigits(x - 64));
      if (x < 192) return Lit("long-key-" + std::string(16, 'x') + TwoDigits(x - 128));
      const char bytes[7] = {0, static_cast<char>(x - 192), '"', '\\', ' ',
                             static_cast<char>(0xFF), '#'};
      return Lit(std::string(bytes, 7));
    }
    case KeyType::kFloat64: {
      if (x < 0xF0) return Lit((static_cast<int>(x) - 0x78) / 2.0);
      const double kInf = std::numeric_limits<double>::infinity();
      const double kSpecial[16] = {GoNaN(), GoNaN(), GoNaN(), GoNaN(), -0.0, 0.0,
                                   kInf, -kInf, 0.1, -0.1, 1e300, 5e-324,
                                   std::numeric_limits<double>::max(),
                                   -std::numeric_limits<double>::max(), 1e21, 1.0 / 3.0};
      return Lit(kSpecial[x - 0xF0]);
    }
    case KeyType::kBig: {
      Big b;
      b.w[0] = x & 0x0F;
      b.w[Big::kWords - 1] = x >> 4;
      return Lit(b);
    }
    case KeyType::kUint8:
      return Lit(int64_t{x & 0x0F});
  }
  return Lit();
}

}  // namespace

const Lit& KeyFromByte(KeyType t, uint8_t x) {
  // Every binary key of every input comes through here: the 5 x 256 literals are built
  // once (string keys were two or three temporary strings each, per op decoded).
  static const std::vector<Lit> table = [] {
    std::vector<Lit> all;
    all.reserve(kNumKeyTypes * 256);
    for (int k = 0; k < kNumKeyTypes; ++k) {
      for (int b = 0; b < 256; ++b) {
        all.push_back(MakeKeyFromByte(static_cast<KeyType>(k), static_cast<uint8_t>(b)));
      }
    }
    return all;
  }();
  static const Lit kNone;
  const auto k = static_cast<size_t>(t);
  return k < kNumKeyTypes ? table[k * 256 + x] : kNone;
}

Lit ValueFromInt16(ValueType t, int16_t n) {
  Lit v;
  ValueFromInt16(t, n, &v);
  return v;
}

void ValueFromInt16(ValueType t, int16_t n, Lit* out) {
  switch (t) {
    case ValueType::kInt64:
      out->emplace<int64_t>(n);
      return;
    case ValueType::kBig: {
      Big& b = out->emplace<Big>();
      b.w[0] = b.w[Big::kWords - 1] = static_cast<uint64_t>(int64_t{n});
      return;
    }
    case ValueType::kEmpty:
      *out = Lit();
      return;
  }
  *out = Lit();
}

std::optional<uint8_t> ByteForKey(KeyType t, const Lit& k) {
  for (int x = 0; x < 256; ++x) {
    if (SameLit(KeyFromByte(t, static_cast<uint8_t>(x)), k)) return static_cast<uint8_t>(x);
  }
  return std::nullopt;
}

std::optional<int16_t> Int16ForValue(ValueType t, const Lit& v) {
  int64_t n = 0;
  switch (t) {
    case ValueType::kInt64:
      n = std::get<int64_t>(v);
      break;
    case ValueType::kBig:
      n = static_cast<int64_t>(std::get<Big>(v).w[0]);
      break;
    case ValueType::kEmpty:
      return int16_t{0};
  }
  if (n < INT16_MIN || n > INT16_MAX) return std::nullopt;
  if (!SameLit(ValueFromInt16(t, static_cast<int16_t>(n)), v)) return std::nullopt;
  return static_cast<int16_t>(n);
}

}  // namespace gomap::oracle
