// Two of the three failure channels (the third, gomap::Panic, is thrown where Go
// panics): Fatal is user misuse, reported like Go's `fatal error: <msg>` through a
// replaceable handler; Throw is an internal bug, reported with a layout dump.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gomap/map.h"
#include "internal/core.h"

namespace gomap {
namespace {

void DefaultFatal(const char* msg) {
  std::fprintf(stderr, "fatal error: %s\n", msg);
  std::fflush(stderr);
  std::abort();
}

std::atomic<FatalHandler> g_handler{&DefaultFatal};

}  // namespace

FatalHandler SetFatalHandler(FatalHandler handler) {
  return g_handler.exchange(handler ? handler : &DefaultFatal);
}

namespace internal {

void Fatal(const char* msg) {
  g_handler.load()(msg);
  std::abort();  // a handler must not return
}

void Throw(const HMap* h, const char* msg) {
  std::fprintf(stderr, "fatal error: %s (gomap internal error)\n", msg);
  if (h) std::fputs(MapDump(h).c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace internal
}  // namespace gomap
