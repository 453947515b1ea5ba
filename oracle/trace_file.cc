#include "oracle/trace_file.h"

#include <fstream>
#include <iterator>
#include <string_view>
#include <utility>

#include "oracle/decode.h"
#include "oracle/text.h"

namespace gomap::oracle {

bool ReadFileBytes(const std::string& path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

bool ReadPathList(const std::string& list, std::vector<std::string>* paths) {
  std::ifstream in(list);
  if (!in) return false;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) paths->push_back(line);
  }
  return true;
}

bool LoadTraceFile(const std::string& path, Trace* trace, std::string* error) {
  std::vector<uint8_t> data;
  if (!ReadFileBytes(path, &data)) {
    *error = path + ": cannot read file";
    return false;
  }
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (IsTextTrace(text) || path.ends_with(".trace")) {
    ParseResult r = ParseText(text, path);
    if (!r.ok()) {
      *error = r.error;
      return false;
    }
    *trace = std::move(*r.trace);
  } else {
    *trace = DecodeBinary(data.data(), data.size());
  }
  return true;
}

}  // namespace gomap::oracle
