// Binary decoding and encoding, FORMAT.md §3. The op table (ops.def) says which operand
// bytes each op reads; nothing here picks anything by `byte % count`.
#include "oracle/decode.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <variant>

#include "oracle/literals.h"

namespace gomap::oracle {
namespace {

// Reads past the end as zero, like libFuzzer's FuzzedDataProvider never failing.
uint8_t At(const uint8_t* data, size_t size, size_t i) { return i < size ? data[i] : 0; }

// Applies a mask: a choice outside it becomes the lowest choice inside it.
template <class E>
E Restrict(E e, uint32_t mask, int count) {
  if (mask & Bit(e)) return e;
  for (int i = 0; i < count; ++i) {
    if (mask & (uint32_t{1} << i)) return static_cast<E>(i);
  }
  return e;  // empty mask: nothing allowed, keep the input's choice
}

// Builds a copy of `src` in `dst`, which holds no literal yet (a new Op's operand):
// emplace constructs the alternative where it lives. Plain assignment goes through a
// temporary variant for std::string (its copy may throw) and visits both variants.
void CopyLit(const Lit& src, Lit* dst) {
  std::visit([dst](const auto& v) { dst->emplace<std::decay_t<decltype(v)>>(v); }, src);
}

}  // namespace

Trace DecodeBinary(const uint8_t* data, size_t size, const DecodeOptions& options) {
  Trace t;
  DecodeBinary(data, size, options, &t);
  return t;
}

void DecodeBinary(const uint8_t* data, size_t size, const DecodeOptions& options, Trace* out) {
  Trace& t = *out;
  t.config = Config();
  t.ops.clear();
  uint8_t h[kBinaryHeaderSize];
  for (size_t i = 0; i < kBinaryHeaderSize; ++i) h[i] = At(data, size, i);
  if (h[0] != kBinaryVersion || h[1] >= kNumKeyTypes || h[2] >= kNumValueTypes ||
      h[3] >= kNumHashers || h[4] > 1) {
    return;  // unlisted header values: the empty trace (FORMAT.md §3.1)
  }
  Config& c = t.config;
  c.key = Restrict(static_cast<KeyType>(h[1]), options.key_types, kNumKeyTypes);
  c.value = Restrict(static_cast<ValueType>(h[2]), options.value_types, kNumValueTypes);
  c.hasher = Restrict(static_cast<HasherKind>(h[3]), options.hashers, kNumHashers);
  c.nil = h[4] == 1;
  c.hint = c.nil ? 0 : static_cast<int16_t>(h[5] | h[6] << 8);
  c.seed = uint32_t{h[7]} | uint32_t{h[8]} << 8 | uint32_t{h[9]} << 16 |
           uint32_t{h[10]} << 24;

  if (size > kBinaryHeaderSize) {  // one allocation: an Op is large (two literals)
    t.ops.reserve(std::min(options.max_ops, (size - kBinaryHeaderSize) / kBinaryRecordSize));
  }
  for (size_t pos = kBinaryHeaderSize;
       pos + kBinaryRecordSize <= size && t.ops.size() < options.max_ops;
       pos += kBinaryRecordSize) {
    const uint8_t code = data[pos], x = data[pos + 1], y = data[pos + 2], z = data[pos + 3];
    const OpInfo* info = OpByBinaryCode(code & 0x3F);
    if (info == nullptr) continue;  // unassigned code: reserved for later ops
    Op& op = t.ops.emplace_back();  // built in place: an Op is two literals, not cheap to move
    op.op = info->op;
    op.handle = info->uses_handle ? code >> 6 : 0;
    const int16_t yz = static_cast<int16_t>(y | z << 8);
    switch (info->operands) {
      case Operands::kNone:
        break;
      case Operands::kKey:
        CopyLit(KeyFromByte(c.key, x), &op.key);
        break;
      case Operands::kKeyValue:
        CopyLit(KeyFromByte(c.key, x), &op.key);
        ValueFromInt16(c.value, yz, &op.value);
        break;
      case Operands::kHint:
        op.n = static_cast<int16_t>(x | y << 8);
        break;
      case Operands::kIter:
      case Operands::kHandle:
        op.n = x & 3;
        break;
      case Operands::kIterValue:
        op.n = x & 3;
        ValueFromInt16(c.value, yz, &op.value);
        break;
    }
  }
}

std::optional<std::vector<uint8_t>> EncodeBinary(const Trace& trace) {
  const Config& c = trace.config;
  if (c.hint < INT16_MIN || c.hint > INT16_MAX) return std::nullopt;
  if (c.seed > UINT32_MAX) return std::nullopt;
  std::vector<uint8_t> out = {kBinaryVersion,
                              static_cast<uint8_t>(c.key),
                              static_cast<uint8_t>(c.value),
                              static_cast<uint8_t>(c.hasher),
                              static_cast<uint8_t>(c.nil ? 1 : 0),
                              static_cast<uint8_t>(c.hint & 0xFF),
                              static_cast<uint8_t>((c.hint >> 8) & 0xFF),
                              static_cast<uint8_t>(c.seed),
                              static_cast<uint8_t>(c.seed >> 8),
                              static_cast<uint8_t>(c.seed >> 16),
                              static_cast<uint8_t>(c.seed >> 24)};
  for (const Op& op : trace.ops) {
    const OpInfo& info = Info(op.op);
    uint8_t rec[kBinaryRecordSize] = {
        static_cast<uint8_t>(info.binary_code | (op.handle & 3) << 6), 0, 0, 0};
    auto put_value = [&]() -> bool {
      auto n = Int16ForValue(c.value, op.value);
      if (!n) return false;
      rec[2] = static_cast<uint8_t>(*n & 0xFF);
      rec[3] = static_cast<uint8_t>((*n >> 8) & 0xFF);
      return true;
    };
    switch (info.operands) {
      case Operands::kNone:
        break;
      case Operands::kKey:
      case Operands::kKeyValue: {
        auto x = ByteForKey(c.key, op.key);
        if (!x) return std::nullopt;
        rec[1] = *x;
        if (info.operands == Operands::kKeyValue && !put_value()) return std::nullopt;
        break;
      }
      case Operands::kHint:
        if (op.n < INT16_MIN || op.n > INT16_MAX) return std::nullopt;
        rec[1] = static_cast<uint8_t>(op.n & 0xFF);
        rec[2] = static_cast<uint8_t>((op.n >> 8) & 0xFF);
        break;
      case Operands::kIter:
      case Operands::kHandle:
        rec[1] = static_cast<uint8_t>(op.n);
        break;
      case Operands::kIterValue:
        rec[1] = static_cast<uint8_t>(op.n);
        if (!put_value()) return std::nullopt;
        break;
    }
    out.insert(out.end(), rec, rec + kBinaryRecordSize);
  }
  return out;
}

}  // namespace gomap::oracle
