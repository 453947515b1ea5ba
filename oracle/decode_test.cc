// Binary traces: total, stable (golden bytes pin the format), bounded, and the encoder
// inverts the decoder.
#include "oracle/decode.h"

#include <gtest/gtest.h>

#include "oracle/literals.h"
#include "oracle/random_trace.h"
#include "oracle/text.h"

namespace gomap::oracle {
namespace {

std::string DecodeToText(const std::vector<uint8_t>& bytes, const DecodeOptions& o = {}) {
  return PrintText(DecodeBinary(bytes.data(), bytes.size(), o));
}

TEST(DecodeBinary, GoldenInputKeepsItsMeaning) {
  // FORMAT.md §3 by example. If this test has to change, old corpus files changed
  // meaning: add a new version or op code instead.
  const std::vector<uint8_t> in = {
      0x01, 0x02, 0x00, 0x02, 0x00, 0x09, 0x00, 0x2A, 0x00, 0x00, 0x00,  // header
      0x00, 0xF4, 0x05, 0x00,   // set -0 5
      0x00, 0xF0, 0xFF, 0xFF,   // set NaN -1
      0x41, 0x78, 0x00, 0x00,   // m1.get 0
      0x3F, 0x01, 0x02, 0x03,   // unassigned code: skipped
      0x89, 0x06, 0x00, 0x00,   // m2.range 2 (x & 3)
      0xCA, 0x02, 0x00, 0x00,   // next 2 (handle bits ignored)
      0x06, 0xFF, 0xFF, 0x00,   // make -1
      0x48, 0x03, 0x00, 0x00,   // m1.alias m3
      0x0E, 0x01, 0x10, 0x00,   // setit 1 16
      0x0F, 0x00, 0x00, 0x00,   // audit
      0x05, 0x00, 0x00,         // partial record: ignored
  };
  EXPECT_EQ(DecodeToText(in),
            "gomap-trace v1 key=float64 value=int64 map=make(9) hasher=lowbits seed=42\n"
            "set -0 5\n"
            "set NaN -1\n"
            "m1.get 0\n"
            "m2.range 2\n"
            "next 2\n"
            "make -1\n"
            "m1.alias m3\n"
            "setit 1 16\n"
            "audit\n");
}

TEST(DecodeBinary, EveryKeyTypeAndValueTypeHasItsDomain) {
  std::vector<uint8_t> in = {0x01, 0x01, 0x01, 0x04, 0x01, 0x05, 0x00, 0xFF, 0xFF,
                             0xFF, 0xFF, 0x00, 0x45, 0xFE, 0xFF};
  EXPECT_EQ(DecodeToText(in),
            "gomap-trace v1 key=string value=big map=nil hasher=few seed=4294967295\n"
            "set \"key-05\" {0:18446744073709551614,24:18446744073709551614}\n");
  in[1] = 0x03;
  in[2] = 0x02;
  EXPECT_EQ(DecodeToText(in),
            "gomap-trace v1 key=big value=empty map=nil hasher=few seed=4294967295\n"
            "set {0:5,24:4} {}\n");
  in[1] = 0x04;
  in[2] = 0x00;
  EXPECT_EQ(DecodeToText(in),
            "gomap-trace v1 key=uint8 value=int64 map=nil hasher=few seed=4294967295\n"
            "set 5 -2\n");
}

TEST(DecodeBinary, UnlistedHeaderValuesGiveTheEmptyTrace) {
  const std::string kEmpty =
      "gomap-trace v1 key=int64 value=int64 map=make(0) hasher=default seed=0\n";
  EXPECT_EQ(DecodeToText({}), kEmpty);
  for (int field = 0; field < 5; ++field) {
    std::vector<uint8_t> in = {0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00,
                               0x00, 0x00, 0x04, 0x00, 0x00, 0x00};
    EXPECT_NE(DecodeToText(in), kEmpty);
    in[field] = field == 0 ? 0x02 : 0x05;
    EXPECT_EQ(DecodeToText(in), kEmpty) << field;
  }
}

TEST(DecodeBinary, IsTotalAndBounded) {
  SplitMix64 r(4);
  DecodeOptions o;
  o.max_ops = 50;
  for (int i = 0; i < 5000; ++i) {
    std::vector<uint8_t> in(r.Below(600));
    for (auto& b : in) b = static_cast<uint8_t>(r.Next());
    if (!in.empty() && r.Chance(80)) in[0] = kBinaryVersion;
    for (size_t k = 1; k < 5 && k < in.size(); ++k) in[k] %= 3;
    Trace t = DecodeBinary(in.data(), in.size(), o);
    ASSERT_LE(t.ops.size(), 50u);
    // Every decoded trace prints and parses back: it is a valid trace.
    ParseResult p = ParseText(PrintText(t));
    ASSERT_TRUE(p.ok()) << p.error;
    ASSERT_TRUE(SameTrace(*p.trace, t));
    // Truncation only ends the trace: a prefix decodes to a prefix.
    size_t cut = r.Below(in.size() + 1);
    Trace shorter = DecodeBinary(in.data(), cut, o);
    if (cut >= kBinaryHeaderSize) {
      ASSERT_LE(shorter.ops.size(), t.ops.size());
      for (size_t k = 0; k < shorter.ops.size(); ++k) ASSERT_TRUE(SameOp(shorter.ops[k], t.ops[k]));
    }
  }
}

TEST(DecodeBinary, ForcedChoicesReplaceTheHeaderChoice) {
  std::vector<uint8_t> in = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                             0x00, 0xF0, 0x01, 0x00};
  DecodeOptions o;
  o.key_types = Bit(KeyType::kFloat64);
  o.value_types = Bit(ValueType::kEmpty);
  o.hashers = kAnyChoice & ~Bit(HasherKind::kDefault);
  Trace t = DecodeBinary(in.data(), in.size(), o);
  EXPECT_EQ(t.config.key, KeyType::kFloat64);
  EXPECT_EQ(t.config.value, ValueType::kEmpty);
  EXPECT_EQ(t.config.hasher, HasherKind::kConst);  // lowest allowed
  EXPECT_EQ(OpText(t.config, t.ops[0]), "set NaN {}");
  in[3] = 0x03;  // an allowed hasher stays
  EXPECT_EQ(DecodeBinary(in.data(), in.size(), o).config.hasher, HasherKind::kTopByte);
}

TEST(EncodeBinary, InvertsDecodeOnRandomTraces) {
  for (uint64_t seed = 0; seed < 300; ++seed) {
    Trace t = RandomTrace(seed);
    auto bytes = EncodeBinary(t);
    ASSERT_TRUE(bytes) << PrintText(t);
    Trace back = DecodeBinary(bytes->data(), bytes->size(), {.max_ops = 100000});
    EXPECT_TRUE(SameTrace(back, t)) << PrintText(t) << "\n---\n" << PrintText(back);
  }
}

TEST(EncodeBinary, RefusesLiteralsOutsideTheDomains) {
  ParseResult p = ParseText(
      "gomap-trace v1 key=int64 value=int64 map=make(0) hasher=default seed=0\nset 300 1\n");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(EncodeBinary(*p.trace));
  p = ParseText("gomap-trace v1 key=int64 value=int64 map=make(40000) hasher=default seed=0\n");
  EXPECT_FALSE(EncodeBinary(*p.trace));
}

}  // namespace
}  // namespace gomap::oracle
