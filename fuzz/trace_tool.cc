// gomap-trace: converts between the two trace forms (oracle/FORMAT.md).
//
//   gomap-trace encode IN OUT   IN (text or binary) -> binary trace OUT
//   gomap-trace print IN        IN (text or binary) -> canonical text on stdout
//
// IN is read as oracle/trace_file.h reads any trace file (a *.trace file is always text).
// scripts/make-corpus.sh encodes the readable seeds under corpus/seeds/ with it, and
// scripts/minimize.sh turns its shrunk text trace back into a binary input. Binary input
// is decoded without any target's options (a target may force key type, value type or
// hasher; `<target>_replay --print` shows what that target makes of it).
// Exit status 2 with a one-line error for unreadable or malformed input, and for a trace
// whose keys, values or hints lie outside the binary domains (FORMAT.md §3.2).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "oracle/decode.h"
#include "oracle/text.h"
#include "oracle/trace_file.h"

namespace {

int Fail(const std::string& msg) {
  std::fprintf(stderr, "%s\n", msg.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (!((cmd == "encode" && argc == 4) || (cmd == "print" && argc == 3))) {
    return Fail("usage: gomap-trace encode IN OUT | gomap-trace print IN");
  }
  const std::string in = argv[2];
  gomap::oracle::Trace trace;
  std::string error;
  if (!gomap::oracle::LoadTraceFile(in, &trace, &error)) return Fail(error);

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
