// Standalone replay: runs a fuzz target's LLVMFuzzerTestOneInput on files and whole
// directories without libFuzzer, so every target also builds with gcc and in every preset,
// and `ctest -L corpus` replays the checked-in corpus.
//
//   <target>_replay [--quiet] [--runs N] [--time] [--print] [--print-to DIR] [--if-exists]
//                   PATH...
//     --runs N     run each input N times
//     --time       print "Replayed <file>: <N> runs in <us> us" on stdout for each input
//                  (the input is read once; scripts/bench.sh measures the targets so)
//     --print      print each input as a text trace instead of running it
//     --print-to DIR  a trace file per input, for running elsewhere: the k-th input
//                  (0-based, in the order given, a directory's files sorted) becomes
//                  DIR/<k>.trace, a comment naming the input, then the input printed as
//                  text, or copied as it is when it already is a text trace (it runs as
//                  written, malformed or not). An input that cannot be printed gets its
//                  error message as its text (also on stderr) and the rest go on; the exit
//                  status is then 2. One process for a whole corpus (scripts/godiff.sh).
//     --if-exists  skip paths that do not exist (CTest passes corpus/regressions/<target>)
// An argument @FILE stands for the paths listed in FILE, one per line.
// A divergence aborts inside the executor (the report is on stderr); a file that cannot
// be read is a one-line error and exit status 2.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "oracle/text.h"
#include "oracle/trace_file.h"

namespace fs = std::filesystem;

// The target's name, for messages: this file is compiled once for all targets, and each
// <target>_replay links a one-line definition CMake generates (gomap_fuzz_target).
extern "C" const char gomap_replay_target_name[];

namespace {

[[noreturn]] void Usage() {
  std::fprintf(
      stderr,
      "usage: %s_replay [--quiet] [--runs N] [--time] [--print] [--print-to DIR] [--if-exists] "
      "FILE|DIR|@LIST...\n",
      gomap_replay_target_name);
  std::exit(2);
}

// --print-to: files[k] as text into dir/<k>.trace, each file whatever happens to the others.
int PrintEach(const std::vector<fs::path>& files, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "%s: cannot create directory: %s\n", dir.c_str(), ec.message().c_str());
    return 2;
  }
  int status = 0;
  std::vector<uint8_t> data;
  for (size_t k = 0; k < files.size(); k++) {
    const fs::path& f = files[k];
    std::string text;
    bool ok = gomap::oracle::ReadFileBytes(f.string(), &data);
    if (!ok) {
      text = f.string() + ": cannot read file\n";
    } else if (const std::string_view raw(reinterpret_cast<const char*>(data.data()), data.size());
               gomap::oracle::IsTextTrace(raw)) {
      text = raw;  // runs as written, malformed or not
    } else {
      ok = gomap::fuzz::PrintInput(data.data(), data.size(), f.string(), &text);
    }
    if (!ok) {
      std::fprintf(stderr, "%s", text.c_str());
      status = 2;
    }
    const fs::path out = dir / (std::to_string(k) + ".trace");
    std::FILE* o = std::fopen(out.c_str(), "w");
    if (o == nullptr) {
      std::fprintf(stderr, "%s: cannot write file: %s\n", out.c_str(), std::strerror(errno));
      return 2;
    }
    std::fprintf(o, "# %s_replay --print %s\n", gomap_replay_target_name, f.c_str());
    const bool written = std::fwrite(text.data(), 1, text.size(), o) == text.size();
    if (std::fclose(o) != 0 || !written) {
      std::fprintf(stderr, "%s: cannot write file\n", out.c_str());
      return 2;
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  bool quiet = false, print = false, if_exists = false, time = false;
  int runs = 1;
  fs::path print_to;
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
    } else if (a == "--print-to" && i + 1 < argc) {
      print_to = argv[++i];
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a.rfind("--", 0) == 0) {
      Usage();
    } else if (a.rfind("@", 0) == 0) {
      std::vector<std::string> listed;
      if (!gomap::oracle::ReadPathList(a.substr(1), &listed)) {
        std::fprintf(stderr, "%s: cannot read file\n", a.c_str() + 1);
        return 2;
      }
      paths.insert(paths.end(), listed.begin(), listed.end());
    } else {
      paths.emplace_back(a);
    }
  }
  if (paths.empty()) Usage();

  std::vector<fs::path> files;
  for (const fs::path& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      const size_t first = files.size();
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file() && e.path().filename().string()[0] != '.' &&
            e.path().filename() != "README.md") {
          files.push_back(e.path());
        }
      }
      std::sort(files.begin() + static_cast<std::ptrdiff_t>(first), files.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else if (!if_exists) {
      std::fprintf(stderr, "%s: no such file or directory\n", p.c_str());
      return 2;
    }
  }
  if (!print_to.empty()) return PrintEach(files, print_to);

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
    std::fprintf(stderr, "%s: replayed %zu inputs, no divergence\n", gomap_replay_target_name,
                 files.size());
  }
  return 0;
}
