// Text traces: exact round trip over random traces, and parse errors that name
// file:line:column and the cause.
#include "oracle/text.h"

#include <gtest/gtest.h>

#include "oracle/literals.h"
#include "oracle/random_trace.h"

namespace gomap::oracle {
namespace {

TEST(TextTrace, RoundTripsRandomTracesExactly) {
  for (uint64_t seed = 0; seed < 400; ++seed) {
    Trace t = RandomTrace(seed);
    t.config.seed = seed * 0x9E3779B97F4A7C15ull;  // full 64-bit seeds too
    std::string text = PrintText(t);
    ParseResult p = ParseText(text, "random.trace");
    ASSERT_TRUE(p.ok()) << p.error << "\n" << text;
    EXPECT_TRUE(SameTrace(*p.trace, t)) << text;
    EXPECT_EQ(PrintText(*p.trace), text);
  }
}

TEST(TextTrace, ParsesTheFormatExample) {
  const char* kText = R"(# -0 over +0 while a NaN entry exists; iterate; then delete during iteration.
gomap-trace v1 key=float64 value=int64 map=make(0) hasher=lowbits seed=7
set NaN 1
set 0 2
set -0 3          # same key as 0: value 3, stored key becomes -0
len               # -> 2
range 0
next 0
delit 0
m1.set 5 5        # m1 is nil: panic
alias m1          # m1 = m0
m1.set 5 5
drain 0
)";
  ParseResult p = ParseText(kText, "example.trace");
  ASSERT_TRUE(p.ok()) << p.error;
  const Trace& t = *p.trace;
  EXPECT_EQ(t.config.key, KeyType::kFloat64);
  EXPECT_EQ(t.config.hasher, HasherKind::kLowBits);
  EXPECT_EQ(t.config.seed, 7u);
  ASSERT_EQ(t.ops.size(), 11u);
  EXPECT_EQ(t.ops[7].handle, 1);
  EXPECT_EQ(t.ops[8].op, OpCode::kAlias);
  EXPECT_EQ(t.ops[8].n, 1);
  EXPECT_EQ(OpText(t.config, t.ops[2]), "set -0 3");
}

TEST(TextTrace, KeepsSpacesHashesAndEscapesInsideStrings) {
  ParseResult p = ParseText(
      "gomap-trace v1 seed=1 hasher=few map=nil value=big key=string\n"
      "m3.set \"a # b\\\"\\x00\" {0:1,24:1}  # comment \"not a string\n"
      "get \"\"\n");
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_EQ(std::get<std::string>(p.trace->ops[0].key), std::string("a # b\"\0", 7));
  EXPECT_TRUE(p.trace->config.nil);
  EXPECT_EQ(PrintText(*p.trace),
            "gomap-trace v1 key=string value=big map=nil hasher=few seed=1\n"
            "m3.set \"a # b\\\"\\x00\" {0:1,24:1}\n"
            "get \"\"\n");
}

TEST(TextTrace, ObservationCommentsParseToTheSameTrace) {
  Trace t = RandomTrace(7);
  std::vector<std::string> results(t.ops.size(), "ok");
  PrintOptions o;
  o.results = &results;
  o.mark_op = 3;
  ParseResult p = ParseText(PrintText(t, o));
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_TRUE(SameTrace(*p.trace, t));
}

struct BadCase {
  std::string text;
  const char* error;
};

TEST(TextTrace, ParseErrorsNameLineColumnAndCause) {
  const std::string h = "gomap-trace v1 key=int64 value=int64 map=make(0) hasher=default seed=0\n";
  const BadCase kCases[] = {
      {"", "t:1:1: missing header line"},
      {"# only a comment\n\n", "t:1:1: missing header line"},
      {"set 1 2\n", "t:1:1: missing header line"},
      {"gomap-trace v2 key=int64\n", "t:1:13: unsupported trace version"},
      {"gomap-trace v1 key=int32 value=int64 map=nil hasher=default seed=0\n",
       "t:1:20: bad key \"int32\""},
      {"gomap-trace v1 key=int64 value=int64 map=make(x) hasher=default seed=0\n",
       "t:1:42: bad map"},
      {"gomap-trace v1 key=int64 value=int64 map=nil seed=0\n", "header is missing hasher="},
      {"gomap-trace v1 key=int64 key=int64\n", "t:1:26: duplicate header field key"},
      {"gomap-trace v1 key=int64 colour=red\n", "t:1:26: unknown header field"},
      {(h + "\nfrobnicate 1\n"), "t:3:1: unknown op \"frobnicate\""},
      {(h + "set 1\n"), "t:2:6: missing operand (usage: set <key> <value>)"},
      {(h + "get 1 2\n"), "t:2:7: too many operands"},
      {(h + "  get x1\n"), "t:2:7: expected int64 key, got \"x1\""},
      {(h + "get 99999999999999999999\n"), "t:2:5: expected int64 key"},
      {(h + "set 1 {}\n"), "t:2:7: expected int64 value"},
      {(h + "m4.get 1\n"), "t:2:1: map handle must be m0..m3"},
      {(h + "m1.next 0\n"), "t:2:1: next takes no map handle"},
      {(h + "next 4\n"), "t:2:6: expected iterator id 0..3"},
      {(h + "alias 1\n"), "t:2:7: expected map handle m0..m3"},
      {(h + "make 1.5\n"), "t:2:6: expected int64 hint"},
      {(h + "get \"abc\n"), "t:2:9: unterminated string literal"},
  };
  for (const BadCase& c : kCases) {
    ParseResult p = ParseText(c.text, "t");
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_NE(p.error.find(c.error), std::string::npos)
        << "input:\n" << c.text << "error:    " << p.error << "\nexpected: " << c.error;
  }
  ParseResult s = ParseText(
      "gomap-trace v1 key=string value=empty map=nil hasher=const seed=0\nget \"a\\q\"\n", "t");
  EXPECT_EQ(s.error.substr(0, 8), "t:2:7: b");
  ParseResult u = ParseText(
      "gomap-trace v1 key=uint8 value=empty map=nil hasher=const seed=0\nset 256 {}\n", "t");
  EXPECT_EQ(u.error, "t:2:5: expected uint8 key, got \"256\"");
}

TEST(TextTrace, NeverCrashesOnMutatedText) {
  SplitMix64 r(3);
  for (int i = 0; i < 3000; ++i) {
    std::string text = PrintText(RandomTrace(i % 50, {.min_ops = 1, .max_ops = 8}));
    for (int m = 0, n = 1 + r.Below(4); m < n; ++m) {
      if (text.empty()) break;
      size_t at = r.Below(text.size());
      switch (r.Below(3)) {
        case 0: text[at] = static_cast<char>(r.Next()); break;
        case 1: text.erase(at, 1 + r.Below(4)); break;
        default: text.insert(at, 1, "\" #{}:,.-\\x0m1\n"[r.Below(15)]); break;
      }
    }
    ParseResult p = ParseText(text, "m");
    if (p.ok()) {
      ParseResult again = ParseText(PrintText(*p.trace), "m");
      ASSERT_TRUE(again.ok()) << again.error;
      EXPECT_TRUE(SameTrace(*again.trace, *p.trace));
    } else {
      EXPECT_EQ(p.error.substr(0, 2), "m:");
    }
  }
}

}  // namespace
}  // namespace gomap::oracle
