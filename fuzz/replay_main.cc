// Standalone replay: runs a fuzz target's LLVMFuzzerTestOneInput on files and whole
// directories without libFuzzer, so every target also builds with gcc and in every preset,
// and `ctest -L corpus` replays the checked-in corpus.
//
//   <target>_replay [--quiet] [--runs N] [--time] [--print] [--if-exists] PATH...
//     --runs N     run each input N times
//     --time       print "Replayed <file>: <N> runs in <us> us" on stdout for each input
//                  (the input is read once; scripts/bench.sh measures the targets so)
//     --print      print each input as a text trace instead of running it
//     --if-exists  skip paths that do not exist (CTest passes corpus/regressions/<target>)
// A divergence aborts inside the executor (the report is on stderr); a file that cannot
// be read is a one-line error and exit status 2.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "oracle/trace_file.h"

namespace fs = std::filesystem;

namespace {

[[noreturn]] void Usage() {
  std::fprintf(
      stderr,
      "usage: %s_replay [--quiet] [--runs N] [--time] [--print] [--if-exists] FILE|DIR...\n",
      GOMAP_FUZZ_TARGET_NAME);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  bool quiet = false, print = false, if_exists = false, time = false;
  int runs = 1;
  std::vector<fs::path> paths;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--quiet") {
      quiet = true;
    } else if (a == "--print") {
      print = true;
    } else if (a == "--time") {
      time = true;
    } else if (a == "--if-exists") {
      if_exists = true;
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a.rfind("--", 0) == 0) {
      Usage();
    } else {
      paths.emplace_back(a);
    }
  }
  if (paths.empty()) Usage();

  std::vector<fs::path> files;
  for (const fs::path& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file() && e.path().filename().string()[0] != '.' &&
            e.path().filename() != "README.md") {
          files.push_back(e.path());
        }
      }
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else if (!if_exists) {
      std::fprintf(stderr, "%s: no such file or directory\n", p.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());

  std::vector<uint8_t> data;
  for (const fs::path& f : files) {
    if (!gomap::oracle::ReadFileBytes(f.string(), &data)) {
      std::fprintf(stderr, "%s: cannot read file\n", f.c_str());
      return 2;
    }
    if (print) {
      std::string text;
      if (!gomap::fuzz::PrintInput(data.data(), data.size(), f.string(), &text)) {
        std::fprintf(stderr, "%s", text.c_str());
        return 2;
      }
      std::fputs(text.c_str(), stdout);
      continue;
    }
    if (!quiet) std::fprintf(stderr, "replaying %s (%zu bytes)\n", f.c_str(), data.size());
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < runs; r++) {
      if (gomap::fuzz::ReplayInput(data.data(), data.size(), f.string()) != 0) return 2;
    }
    if (time) {
      const std::chrono::duration<double, std::micro> us = std::chrono::steady_clock::now() - start;
      std::printf("Replayed %s: %d runs in %.0f us\n", f.c_str(), runs, us.count());
    }
  }
  if (!print) {
    std::fprintf(stderr, "%s: replayed %zu inputs, no divergence\n", GOMAP_FUZZ_TARGET_NAME,
                 files.size());
  }
  return 0;
}
