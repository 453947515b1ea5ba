// Literal spelling (Go's float and string forms) and the binary key/value domains.
#include "oracle/literals.h"

#include <bit>
#include <cmath>
#include <limits>
#include <set>

#include <gtest/gtest.h>

#include "oracle/random_trace.h"

namespace gomap::oracle {
namespace {

TEST(FormatFloat, MatchesGoStrconvFormatFloatG) {
  // Expected strings are strconv.FormatFloat(f, 'g', -1, 64) from Go.
  const std::pair<double, const char*> kCases[] = {
      {0.0, "0"},
      {-0.0, "-0"},
      {1.5, "1.5"},
      {-60, "-60"},
      {100000, "100000"},
      {123456, "123456"},
      {1e6, "1e+06"},
      {1234567, "1.234567e+06"},
      {0.0001, "0.0001"},
      {0.000123, "0.000123"},
      {1e-5, "1e-05"},
      {1.5e-7, "1.5e-07"},
      {0.1, "0.1"},
      {-0.1, "-0.1"},
      {1e21, "1e+21"},
      {1e300, "1e+300"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
      {1.0 / 3.0, "0.3333333333333333"},
      {59.5, "59.5"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {GoNaN(), "NaN"},
  };
  for (const auto& [f, want] : kCases) EXPECT_EQ(FormatFloat(f), want) << want;
}

TEST(ParseFloat, ReadsEveryPrintedFloatBackToTheSameBits) {
  SplitMix64 r(1);
  for (int i = 0; i < 20000; ++i) {
    double f = std::bit_cast<double>(r.Next());
    if (std::isnan(f)) continue;
    auto back = ParseFloat(FormatFloat(f));
    ASSERT_TRUE(back) << FormatFloat(f);
    EXPECT_EQ(std::bit_cast<uint64_t>(*back), std::bit_cast<uint64_t>(f)) << FormatFloat(f);
  }
}

TEST(ParseFloat, AcceptsGoSpellingsAndRejectsTheRest) {
  EXPECT_EQ(std::bit_cast<uint64_t>(*ParseFloat("NaN")), 0x7FF8000000000001u);
  EXPECT_EQ(*ParseFloat("+Inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(*ParseFloat("Inf"), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::signbit(*ParseFloat("-0")));
  EXPECT_EQ(*ParseFloat("+2.5"), 2.5);
  EXPECT_EQ(*ParseFloat(".5"), 0.5);
  EXPECT_EQ(*ParseFloat("5."), 5.0);
  EXPECT_EQ(*ParseFloat("1E3"), 1000.0);
  EXPECT_EQ(*ParseFloat("1e400"), std::numeric_limits<double>::infinity());
  for (const char* bad : {"", "-", ".", "e5", "1e", "1e+", "nan", "inf", "0x10", "1_000",
                          "1.5x", " 1", "--1", "+-1", "1.2.3"}) {
    EXPECT_FALSE(ParseFloat(bad)) << bad;
  }
}

TEST(QuoteString, IsAsciiAndRoundTripsEveryByteString) {
  EXPECT_EQ(QuoteString("a b#\"\\"), "\"a b#\\\"\\\\\"");
  EXPECT_EQ(QuoteString(std::string("\0\n\xff", 3)), "\"\\x00\\x0a\\xff\"");
  SplitMix64 r(2);
  for (int i = 0; i < 2000; ++i) {
    std::string s(r.Below(20), '\0');
    for (char& c : s) c = static_cast<char>(r.Next());
    std::string q = QuoteString(s);
    for (char c : q) ASSERT_TRUE(c >= 0x20 && c <= 0x7E);
    size_t used = 0;
    std::string err;
    auto back = UnquoteString(q, &used, &err);
    ASSERT_TRUE(back) << err;
    EXPECT_EQ(*back, s);
    EXPECT_EQ(used, q.size());
  }
}

TEST(UnquoteString, AcceptsGoEscapesAndNamesBadOnes) {
  size_t used = 0;
  std::string err;
  EXPECT_EQ(*UnquoteString("\"\\a\\b\\f\\n\\r\\t\\v\\x4A\"", &used, &err),
            "\a\b\f\n\r\t\vJ");
  EXPECT_FALSE(UnquoteString("\"abc", &used, &err));
  EXPECT_EQ(err, "unterminated string literal");
  EXPECT_FALSE(UnquoteString("\"a\\qb\"", &used, &err));
  EXPECT_EQ(used, 2u);
  EXPECT_FALSE(UnquoteString("\"\\x4\"", &used, &err));
}

TEST(Big, PrintsNonzeroWordsAsAGoKeyedLiteral) {
  Big b;
  EXPECT_EQ(FormatBig(b), "{}");
  b.w[0] = 7;
  b.w[24] = 18446744073709551615u;
  EXPECT_EQ(FormatBig(b), "{0:7,24:18446744073709551615}");
  std::string err;
  EXPECT_EQ(*ParseBig("{0:7,24:18446744073709551615}", &err), b);
  EXPECT_EQ(*ParseBig("{0:7,3:0,24:18446744073709551615}", &err), b);
  for (const char* bad : {"", "{", "{0:1,}", "{1:1,0:1}", "{25:1}", "{0:-1}", "{a:1}",
                          "{0:18446744073709551616}", "{0:1 }", "[0:1]"}) {
    EXPECT_FALSE(ParseBig(bad, &err)) << bad;
  }
}

TEST(KeyFromByte, GivesDistinctKeysExceptWhereFormatSaysOtherwise) {
  for (int t = 0; t < kNumKeyTypes; ++t) {
    const KeyType kt = static_cast<KeyType>(t);
    std::set<std::string> seen;
    for (int x = 0; x < 256; ++x) seen.insert(FormatKey(kt, KeyFromByte(kt, x)));
    size_t want = 256;
    if (kt == KeyType::kFloat64) want = 256 - 4;  // four NaNs; +0 twice (0x78, 0xF5)
    if (kt == KeyType::kUint8) want = 16;
    EXPECT_EQ(seen.size(), want) << Name(kt);
  }
  EXPECT_EQ(std::get<std::string>(KeyFromByte(KeyType::kString, 0xC1)),
            std::string("\0\x01\"\\ \xff#", 7));
  EXPECT_EQ(std::get<std::string>(KeyFromByte(KeyType::kString, 0x80)).size(), 27u);
  EXPECT_TRUE(std::signbit(std::get<double>(KeyFromByte(KeyType::kFloat64, 0xF4))));
  EXPECT_EQ(std::get<double>(KeyFromByte(KeyType::kFloat64, 0x78)), 0.0);
  EXPECT_EQ(std::get<int64_t>(KeyFromByte(KeyType::kInt64, 0xFA)),
            std::numeric_limits<int64_t>::min());
}

TEST(ByteForKey, InvertsKeyFromByte) {
  for (int t = 0; t < kNumKeyTypes; ++t) {
    const KeyType kt = static_cast<KeyType>(t);
    for (int x = 0; x < 256; ++x) {
      auto b = ByteForKey(kt, KeyFromByte(kt, x));
      ASSERT_TRUE(b);
      EXPECT_TRUE(SameLit(KeyFromByte(kt, *b), KeyFromByte(kt, x)));
    }
  }
  EXPECT_FALSE(ByteForKey(KeyType::kInt64, Lit(int64_t{1000})));
  EXPECT_FALSE(ByteForKey(KeyType::kString, Lit(std::string("zz"))));
  EXPECT_EQ(*Int16ForValue(ValueType::kBig, ValueFromInt16(ValueType::kBig, -5)), -5);
  Big odd;
  odd.w[3] = 1;
  EXPECT_FALSE(Int16ForValue(ValueType::kBig, Lit(odd)));
}

}  // namespace
}  // namespace gomap::oracle
