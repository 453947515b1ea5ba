// gomap-trace: converts between the two trace forms (oracle/FORMAT.md).
//
//   gomap-trace encode IN OUT   IN (text or binary) -> binary trace OUT
//   gomap-trace print IN        IN (text or binary) -> canonical text on stdout
//
// scripts/make-corpus.sh encodes the readable seeds under corpus/seeds/ with it, and
// scripts/minimize.sh turns its shrunk text trace back into a binary input. Binary input
// is decoded without any target's options (a target may force key type, value type or
// hasher; `<target>_replay --print` shows what that target makes of it).
// Exit status 2 with a one-line error for unreadable or malformed input, and for a trace
// whose keys, values or hints lie outside the binary domains (FORMAT.md §3.2).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "oracle/decode.h"
#include "oracle/text.h"

namespace {

int Fail(const std::string& msg) {
  std::fprintf(stderr, "%s\n", msg.c_str());
  return 2;
}

bool Read(const std::string& path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (!((cmd == "encode" && argc == 4) || (cmd == "print" && argc == 3))) {
    return Fail("usage: gomap-trace encode IN OUT | gomap-trace print IN");
  }
  const std::string in = argv[2];
  std::vector<uint8_t> data;
  if (!Read(in, &data)) return Fail(in + ": cannot read file");

  gomap::oracle::Trace trace;
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (gomap::oracle::IsTextTrace(text)) {
    auto r = gomap::oracle::ParseText(text, in);
    if (!r.ok()) return Fail(r.error);
    trace = std::move(*r.trace);
  } else {
    trace = gomap::oracle::DecodeBinary(data.data(), data.size());
  }

  if (cmd == "print") {
    std::fputs(gomap::oracle::PrintText(trace).c_str(), stdout);
    return 0;
  }
  auto bytes = gomap::oracle::EncodeBinary(trace);
  if (!bytes) {
    return Fail(in +
                ": a key, value or hint lies outside the binary domains "
                "(oracle/FORMAT.md section 3.2)");
  }
  const std::string out = argv[3];
  std::ofstream o(out, std::ios::binary | std::ios::trunc);
  o.write(reinterpret_cast<const char*>(bytes->data()),
          static_cast<std::streamsize>(bytes->size()));
  if (!o.flush()) return Fail(out + ": cannot write file");
  return 0;
}
