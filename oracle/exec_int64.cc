// Executor instantiations for key=int64 (one file per key type keeps compiles parallel).
#include "oracle/executor_impl.h"

namespace gomap::oracle {
template RunResult ExecuteWithKey<int64_t>(const Trace&, const ExecOptions&);
}  // namespace gomap::oracle
