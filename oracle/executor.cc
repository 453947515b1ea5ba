// Execute(): dispatch on the key type; the instantiations live in exec_<keytype>.cc.
#include "oracle/executor.h"

#include <cstdint>
#include <string>

#include "oracle/trace.h"

namespace gomap::oracle {

template <class K>
RunResult ExecuteWithKey(const Trace& trace, const ExecOptions& options);
extern template RunResult ExecuteWithKey<int64_t>(const Trace&, const ExecOptions&);
extern template RunResult ExecuteWithKey<std::string>(const Trace&, const ExecOptions&);
extern template RunResult ExecuteWithKey<double>(const Trace&, const ExecOptions&);
extern template RunResult ExecuteWithKey<Big>(const Trace&, const ExecOptions&);
extern template RunResult ExecuteWithKey<uint8_t>(const Trace&, const ExecOptions&);

RunResult Execute(const Trace& trace, const ExecOptions& options) {
  switch (trace.config.key) {
    case KeyType::kInt64:
      return ExecuteWithKey<int64_t>(trace, options);
    case KeyType::kString:
      return ExecuteWithKey<std::string>(trace, options);
    case KeyType::kFloat64:
      return ExecuteWithKey<double>(trace, options);
    case KeyType::kBig:
      return ExecuteWithKey<Big>(trace, options);
    case KeyType::kUint8:
      return ExecuteWithKey<uint8_t>(trace, options);
  }
  return RunResult();
}

}  // namespace gomap::oracle
