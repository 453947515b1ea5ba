// Executor instantiations for key=float64 (one file per key type keeps compiles parallel).
#include "oracle/executor_impl.h"

namespace gomap::oracle {
template RunResult ExecuteWithKey<double>(const Trace&, const ExecOptions&);
}  // namespace gomap::oracle
