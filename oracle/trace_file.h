// Trace files, for every tool that reads them (the replay binaries, gomap-trace,
// gomap-observe): a file's bytes, and the trace a file holds.
#ifndef GOMAP_ORACLE_TRACE_FILE_H_
#define GOMAP_ORACLE_TRACE_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "oracle/trace.h"

namespace gomap::oracle {

// The whole file; false when it cannot be opened or read.
bool ReadFileBytes(const std::string& path, std::vector<uint8_t>* out);

// The tools' @LIST argument: appends the paths listed in the file, one per line (empty
// lines skipped); false when it cannot be opened.
bool ReadPathList(const std::string& list, std::vector<std::string>* paths);

// The trace in a file. A file named *.trace is always read as text (FORMAT.md §2), so a
// malformed one is reported as such rather than decoded as bytes; other files are text
// when they look like it (IsTextTrace), else binary (§3, default DecodeOptions). On
// failure, `error` is one line: "<path>: cannot read file", or the parser's message,
// which names the file and line.
bool LoadTraceFile(const std::string& path, Trace* trace, std::string* error);

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_TRACE_FILE_H_
