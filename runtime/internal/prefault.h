// The helper thread that faults in the arrays made ahead of a doubling (bucket.h:
// "Memory").
//
// A fault is the kernel's time, not the map's, but it is charged to whichever insert
// touches the page first. GrowAhead spreads an array's faults over the inserts before the
// doubling, one piece per due insert, which bounds each insert's share by one piece: a
// huge page, zeroed by the kernel in the fault, 100-130 us on this project's VMs when the
// host has the memory at hand and 3-4 ms when it has to back it first. Here those faults
// are taken by a process-wide helper thread instead, as Go's runtime leaves page work to
// background workers: GrowAhead queues the whole array once, the helper writes a zero to
// each of its pages a step at a time, and no insert waits for it.
//
// It writes rather than asks the kernel to populate (MADV_POPULATE_WRITE), because the
// kernel does that holding the process's memory-map lock for the whole fault, and every
// brk, mmap and munmap of the map's own thread (a malloc that grows the heap, a release
// step) waited behind it: up to 10 ms per insert, measured. A write fault takes only the
// lock of the mapping it touches.
//
// The writes are safe because nothing else reads or writes an array made ahead until the
// doubling takes it, and the doubling (like every release of the array) first calls
// Withdraw, which removes the array from the queue and waits for a step in progress. The
// array is all zero, so writing zeros changes nothing the map will read. A doubling takes
// the array whether or not the helper is done: what is not resident faults on first
// touch, as it did before there was a helper.
//
// The helper is started on first use and never ends (it sleeps while the queue is empty);
// a forked child starts its own when it next queues. No map data passes through it, so
// nothing a map does depends on when it runs: only page residency does.
#ifndef GOMAP_RUNTIME_INTERNAL_PREFAULT_H_
#define GOMAP_RUNTIME_INTERNAL_PREFAULT_H_

#include <cstddef>

namespace gomap::internal {

// Queues [p, p + len) of the zeroed mapping owned by `owner` to be faulted in by the
// helper, `step` bytes at a time (what Withdraw may have to wait for). p and step are
// page aligned. Until Withdraw(owner) returns, nothing but the helper may read or write
// the range. False when there is no helper (the caller faults the range in itself).
bool QueuePrefault(const void* owner, char* p, size_t len, size_t step);

// After Withdraw(owner) returns, the helper no longer touches any of owner's ranges and
// never will. Waits for at most one step in progress.
void WithdrawPrefault(const void* owner);

// Whether QueuePrefault will take arrays (GrowAhead starts earlier for the helper).
bool PrefaultHelperOn();

// SetPrefaultHelper and WaitPrefaultIdle, for tests, are declared in gomap/internal/peer.h.

}  // namespace gomap::internal

#endif  // GOMAP_RUNTIME_INTERNAL_PREFAULT_H_
