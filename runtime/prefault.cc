// The prefault helper thread (internal/prefault.h).
#include "internal/prefault.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <utility>

#include "gomap/internal/peer.h"

namespace gomap::internal {
namespace {

class Helper {
 public:
  static Helper& Get() {
    static Helper* helper = new Helper();  // never destroyed: its thread never ends
    return *helper;
  }

  bool Queue(const void* owner, char* p, size_t len, size_t step) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!on_) return false;
    RemoveLocked(owner);
    try {
      work_.push_back({owner, p, p + len, step});
    } catch (const std::bad_alloc&) {
      return false;
    }
    if (!running_) {
      try {
        std::thread([this] { Run(); }).detach();
      } catch (const std::system_error&) {
        work_.pop_back();
        on_ = false;  // and the maps fault their arrays in themselves from now on
        return false;
      }
      running_ = true;
    }
    work_cv_.notify_one();
    return true;
  }

  void Withdraw(const void* owner) {
    std::unique_lock<std::mutex> lock(mu_);
    RemoveLocked(owner);
    idle_cv_.wait(lock, [&] { return busy_ != owner; });
  }

  bool On() {
    std::lock_guard<std::mutex> lock(mu_);
    return on_;
  }

  bool SetOn(bool on) {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(on_, on);
  }

  void WaitIdle() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_cv_.wait(lock, [&] { return busy_ == nullptr && (work_.empty() || !running_); });
  }

 private:
  struct Range {
    const void* owner;
    char* next;  // the next step starts here
    char* end;
    size_t step;
  };

  Helper() {
    // A fork copies the queue but not the thread: the child starts its own when it next
    // queues. The lock is held across the fork so that the child's copy is consistent.
    pthread_atfork([] { Get().mu_.lock(); }, [] { Get().mu_.unlock(); },
                   [] { Get().AfterForkInChild(); });
  }

  void AfterForkInChild() {
    running_ = false;
    busy_ = nullptr;
    // Nobody waits on them in the child; the parent's waiters must not linger in them.
    new (&work_cv_) std::condition_variable();
    new (&idle_cv_) std::condition_variable();
    mu_.unlock();
  }

  void RemoveLocked(const void* owner) {
    work_.erase(std::remove_if(work_.begin(), work_.end(),
                               [&](const Range& r) { return r.owner == owner; }),
                work_.end());
  }

  // A write of zero to each page of memory that is all zero and that nobody else reads
  // or writes until Withdraw returns (the owner's contract).
  static void Touch(char* p, size_t n) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    for (size_t off = 0; off < n; off += page) static_cast<volatile char*>(p)[off] = 0;
  }

  void Run() {
    pthread_setname_np(pthread_self(), "gomap-prefault");
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      work_cv_.wait(lock, [&] { return !work_.empty(); });
      Range& r = work_.front();
      const void* owner = r.owner;
      char* p = r.next;
      const size_t n = std::min<size_t>(r.step, static_cast<size_t>(r.end - r.next));
      r.next += n;
      if (r.next == r.end) work_.pop_front();
      busy_ = owner;
      lock.unlock();
      Touch(p, n);
      lock.lock();
      busy_ = nullptr;
      idle_cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable work_cv_;  // the helper waits for work
  std::condition_variable idle_cv_;  // Withdraw and WaitIdle wait for a step to end
  std::deque<Range> work_;
  const void* busy_ = nullptr;  // the owner whose step the helper is taking, unlocked
  bool running_ = false;
  bool on_ = true;
};

}  // namespace

bool QueuePrefault(const void* owner, char* p, size_t len, size_t step) {
  return Helper::Get().Queue(owner, p, len, step);
}
void WithdrawPrefault(const void* owner) { Helper::Get().Withdraw(owner); }
bool PrefaultHelperOn() { return Helper::Get().On(); }
bool SetPrefaultHelper(bool on) { return Helper::Get().SetOn(on); }
void WaitPrefaultIdle() { Helper::Get().WaitIdle(); }

}  // namespace gomap::internal
