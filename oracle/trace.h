// The data every front end shares: a trace is a configuration plus operations, with
// keys and values held as type-independent literals (the configuration says which
// alternative is in use). The op enum and per-op facts come from ops.def, so decoding,
// printing, parsing and execution cannot disagree about what ops exist.
// FORMAT.md is the external description of the same things.
#ifndef GOMAP_ORACLE_TRACE_H_
#define GOMAP_ORACLE_TRACE_H_

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gomap::oracle {

// Go's [25]uint64: 200 bytes, over Go's 128-byte limit, so stored out of line.
struct Big {
  static constexpr int kWords = 25;
  std::array<uint64_t, kWords> w{};
  // Word by word rather than the defaulted memcmp: fuzz builds hook every memcmp call
  // for libFuzzer's comparison tables, and Big keys are compared all along every chain
  // they sit in, with operands no mutation can copy (traces name keys by selector byte).
  friend bool operator==(const Big& a, const Big& b) {
    for (int i = 0; i < kWords; ++i) {
      if (a.w[i] != b.w[i]) return false;
    }
    return true;
  }
};
static_assert(sizeof(Big) == 200, "FORMAT.md promises a 200-byte key and value");

// Go's struct{}: a zero-size element.
struct Empty {
  friend bool operator==(Empty, Empty) { return true; }
};

enum class KeyType : uint8_t { kInt64, kString, kFloat64, kBig, kUint8 };
enum class ValueType : uint8_t { kInt64, kBig, kEmpty };
enum class HasherKind : uint8_t { kDefault, kConst, kLowBits, kTopByte, kFew };
inline constexpr int kNumKeyTypes = 5;
inline constexpr int kNumValueTypes = 3;
inline constexpr int kNumHashers = 5;

std::string_view Name(KeyType t);
std::string_view Name(ValueType t);
std::string_view Name(HasherKind h);
std::optional<KeyType> KeyTypeByName(std::string_view s);
std::optional<ValueType> ValueTypeByName(std::string_view s);
std::optional<HasherKind> HasherByName(std::string_view s);

// A key or value literal. Which alternative is used follows from the configuration:
// int64 and uint8 keys -> int64_t, float64 -> double, string -> std::string,
// big -> Big; empty values (and "no operand") -> std::monostate.
using Lit = std::variant<std::monostate, int64_t, double, std::string, Big>;

enum class OpCode : uint8_t {
#define GOMAP_OP(name, text, code, operands, handle, mutates) k##name,
#include "oracle/ops.def"
#undef GOMAP_OP
};

enum class Operands : uint8_t { kNone, kKey, kKeyValue, kHint, kIter, kIterValue, kHandle };

struct OpInfo {
  OpCode op;
  std::string_view text;
  uint8_t binary_code;
  Operands operands;
  bool uses_handle;  // false: the op ignores the m<h>. prefix (iterator-only ops)
  bool mutates;      // may change a table: the executor audits after it
};

inline constexpr OpInfo kOpInfo[] = {
#define GOMAP_OP(name, text, code, operands, handle, mutates) \
  {OpCode::k##name, text, code, Operands::operands, handle, mutates},
#include "oracle/ops.def"
#undef GOMAP_OP
};
inline constexpr int kNumOps = sizeof(kOpInfo) / sizeof(kOpInfo[0]);

constexpr const OpInfo& Info(OpCode op) { return kOpInfo[static_cast<int>(op)]; }
const OpInfo* OpByName(std::string_view text);
const OpInfo* OpByBinaryCode(uint8_t code);

inline constexpr int kNumHandles = 4;    // m0..m3
inline constexpr int kNumIterators = 4;  // iterator ids 0..3

struct Op {
  // User-provided, so `Op()` (as in ops.emplace_back()) runs only the initialisers below.
  // With the implicit constructor, value-initialisation zero-filled all of the Op first:
  // two literals sized for Big, over 400 bytes per op decoded.
  Op() noexcept {}  // NOLINT(modernize-use-equals-default): see above

  OpCode op = OpCode::kLen;
  uint8_t handle = 0;  // m<handle>; always 0 for ops that do not use one
  Lit key;             // kKey, kKeyValue
  Lit value;           // kKeyValue, kIterValue
  int64_t n = 0;       // hint (kHint), iterator id (kIter*), destination handle (kHandle)
};

struct Config {
  KeyType key = KeyType::kInt64;
  ValueType value = ValueType::kInt64;
  HasherKind hasher = HasherKind::kDefault;
  bool nil = false;  // map=nil instead of map=make(hint)
  int64_t hint = 0;
  uint64_t seed = 0;
  friend bool operator==(const Config&, const Config&) = default;
};

struct Trace {
  Config config;
  std::vector<Op> ops;
};

// Bitwise equality (NaN equals NaN, -0 differs from +0): what "the same trace" means
// for round-trip tests. Plain == on doubles would make every NaN trace differ.
bool SameLit(const Lit& a, const Lit& b);
bool SameOp(const Op& a, const Op& b);
bool SameTrace(const Trace& a, const Trace& b);

// Hints in (kMaxHint, kHugeHint] are refused by every executor (FORMAT.md §2.2).
inline constexpr int64_t kMaxHint = int64_t{1} << 20;
inline constexpr int64_t kHugeHint = int64_t{1} << 48;
inline bool HintRefused(int64_t hint) { return hint > kMaxHint && hint <= kHugeHint; }

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_TRACE_H_
