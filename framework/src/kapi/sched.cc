// framework/src/kapi/sched.cc
//
// The task_structs behind <linux/sched.h>'s `current`: one per task id,
// reset at the first use in each execution, so a state left by an earlier
// execution never leaks into the next.

#include <deque>

#include "rtfuzz/kapi/linux/sched.h"

namespace {

// A deque: growing it never moves the task_structs handed out. Per thread,
// as kapi's object ids: a machine runs on one thread.
std::deque<task_struct>& Tasks() {
  thread_local std::deque<task_struct> tasks;
  return tasks;
}

}  // namespace

extern "C" struct task_struct* rtfuzz_kapi_task(int pid) {
  std::deque<task_struct>& tasks = Tasks();
  while (tasks.size() <= static_cast<size_t>(pid)) {
    tasks.push_back(task_struct{static_cast<int>(tasks.size()), TASK_RUNNING, nullptr, 0});
  }
  task_struct& t = tasks[static_cast<size_t>(pid)];
  const uint64_t serial = rtfuzz::rt::ExecutionSerial();
  if (t.rtfuzz_epoch != serial) t = task_struct{pid, TASK_RUNNING, nullptr, serial};
  return &t;
}
