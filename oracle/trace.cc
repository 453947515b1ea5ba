// Names of configuration choices and ops, and bitwise trace equality.
#include "oracle/trace.h"

#include <bit>
#include <cstring>

namespace gomap::oracle {
namespace {

constexpr std::string_view kKeyNames[kNumKeyTypes] = {"int64", "string", "float64", "big",
                                                      "uint8"};
constexpr std::string_view kValueNames[kNumValueTypes] = {"int64", "big", "empty"};
constexpr std::string_view kHasherNames[kNumHashers] = {"default", "const", "lowbits",
                                                        "topbyte", "few"};

template <class E, size_t N>
std::optional<E> ByName(const std::string_view (&names)[N], std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view Name(KeyType t) { return kKeyNames[static_cast<int>(t)]; }
std::string_view Name(ValueType t) { return kValueNames[static_cast<int>(t)]; }
std::string_view Name(HasherKind h) { return kHasherNames[static_cast<int>(h)]; }
std::optional<KeyType> KeyTypeByName(std::string_view s) {
  return ByName<KeyType>(kKeyNames, s);
}
std::optional<ValueType> ValueTypeByName(std::string_view s) {
  return ByName<ValueType>(kValueNames, s);
}
std::optional<HasherKind> HasherByName(std::string_view s) {
  return ByName<HasherKind>(kHasherNames, s);
}

const OpInfo* OpByName(std::string_view text) {
  for (const OpInfo& info : kOpInfo) {
    if (info.text == text) return &info;
  }
  return nullptr;
}

const OpInfo* OpByBinaryCode(uint8_t code) {
  for (const OpInfo& info : kOpInfo) {
    if (info.binary_code == code) return &info;
  }
  return nullptr;
}

bool SameLit(const Lit& a, const Lit& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) {
    return std::bit_cast<uint64_t>(*x) == std::bit_cast<uint64_t>(std::get<double>(b));
  }
  return a == b;
}

bool SameOp(const Op& a, const Op& b) {
  return a.op == b.op && a.handle == b.handle && a.n == b.n && SameLit(a.key, b.key) &&
         SameLit(a.value, b.value);
}

bool SameTrace(const Trace& a, const Trace& b) {
  if (!(a.config == b.config) || a.ops.size() != b.ops.size()) return false;
  for (size_t i = 0; i < a.ops.size(); ++i) {
    if (!SameOp(a.ops[i], b.ops[i])) return false;
  }
  return true;
}

}  // namespace gomap::oracle
