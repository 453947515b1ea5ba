// Executor instantiations for key=string (one file per key type keeps compiles parallel).
#include "oracle/executor_impl.h"

namespace gomap::oracle {
template RunResult ExecuteWithKey<std::string>(const Trace&, const ExecOptions&);
}  // namespace gomap::oracle
