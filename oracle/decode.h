// Binary traces (fuzz inputs, corpus files): FORMAT.md §3. Decoding is total (every
// byte string is a trace), stable (codes and layout never change meaning), compact
// (small key domains) and bounded (max_ops). Encoding is the inverse for traces whose
// literals lie in the binary domains, used to turn text traces into corpus seeds.
#ifndef GOMAP_ORACLE_DECODE_H_
#define GOMAP_ORACLE_DECODE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "oracle/trace.h"

namespace gomap::oracle {

inline constexpr uint8_t kBinaryVersion = 0x01;
inline constexpr size_t kBinaryHeaderSize = 11;
inline constexpr size_t kBinaryRecordSize = 4;

// Sets of configuration choices, as bit masks over the enum values.
template <class E>
constexpr uint32_t Bit(E e) {
  return uint32_t{1} << static_cast<int>(e);
}
inline constexpr uint32_t kAnyChoice = ~uint32_t{0};

// What a fuzz target may impose on decoded traces. A header choice outside a mask is
// replaced by the lowest choice inside it, so a one-bit mask forces that choice.
// Example, a float target with weak hashers only:
//   DecodeOptions o;
//   o.key_types = Bit(KeyType::kFloat64);
//   o.hashers = kAnyChoice & ~Bit(HasherKind::kDefault);
struct DecodeOptions {
  uint32_t key_types = kAnyChoice;
  uint32_t value_types = kAnyChoice;
  uint32_t hashers = kAnyChoice;
  size_t max_ops = 2048;
};

Trace DecodeBinary(const uint8_t* data, size_t size, const DecodeOptions& options = {});
// The same into *out, reusing the memory of out->ops: a fuzz target decodes every input
// into one Trace instead of allocating (and, under ASan, mapping) a new op array per run.
void DecodeBinary(const uint8_t* data, size_t size, const DecodeOptions& options, Trace* out);

// nullopt when a literal is outside the binary domain or the hint does not fit int16.
std::optional<std::vector<uint8_t>> EncodeBinary(const Trace& trace);

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_DECODE_H_
