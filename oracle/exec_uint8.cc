// Executor instantiations for key=uint8 (one file per key type keeps compiles parallel).
#include "oracle/executor_impl.h"

namespace gomap::oracle {
template RunResult ExecuteWithKey<uint8_t>(const Trace&, const ExecOptions&);
}  // namespace gomap::oracle
