// Executor instantiations for key=big (one file per key type keeps compiles parallel).
#include "oracle/executor_impl.h"

namespace gomap::oracle {
template RunResult ExecuteWithKey<Big>(const Trace&, const ExecOptions&);
}  // namespace gomap::oracle
