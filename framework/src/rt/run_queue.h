// framework/src/rt/run_queue.h
//
// RunQueue: the runnable tasks of one virtual CPU that are not running, by
// kernel prio (0 highest .. 139), FIFO within a prio, as the kernel's
// rt_prio_array: a bitmap of non-empty prios and an intrusive list per prio.
// O(1) enqueue, dequeue and pick; no allocation.

#ifndef RTFUZZ_SRC_RT_RUN_QUEUE_H_
#define RTFUZZ_SRC_RT_RUN_QUEUE_H_

#include <cstdint>

#include "rtfuzz/base/check.h"

namespace rtfuzz::rt::internal {

inline constexpr int kPrioCount = 140;

// Intrusive links; a task is on at most one queue.
struct RunQueueLinks {
  RunQueueLinks* prev = nullptr;
  RunQueueLinks* next = nullptr;
  int prio = 0;
  bool on_queue = false;
};

class RunQueue {
 public:
  RunQueue() { Clear(); }

  void Clear() {
    // An empty queue is already clear: Dequeue() resets an emptied prio's
    // head, tail and bit. Most executions end with empty queues.
    if (size_ == 0 && initialized_) return;
    initialized_ = true;
    for (auto& w : bitmap_) w = 0;
    for (auto& h : heads_) h = nullptr;
    for (auto& t : tails_) t = nullptr;
    size_ = 0;
  }

  // At the tail of its prio, or at the head (a preempted task keeps its turn).
  void Enqueue(RunQueueLinks* t, bool at_head) {
    RTFUZZ_CHECK(!t->on_queue, "task enqueued twice");
    const int p = t->prio;
    RTFUZZ_CHECK(p >= 0 && p < kPrioCount, "prio out of range");
    t->on_queue = true;
    if (heads_[p] == nullptr) {
      t->prev = t->next = nullptr;
      heads_[p] = tails_[p] = t;
      bitmap_[p / 64] |= uint64_t{1} << (p % 64);
    } else if (at_head) {
      t->prev = nullptr;
      t->next = heads_[p];
      heads_[p]->prev = t;
      heads_[p] = t;
    } else {
      t->next = nullptr;
      t->prev = tails_[p];
      tails_[p]->next = t;
      tails_[p] = t;
    }
    ++size_;
  }

  void Dequeue(RunQueueLinks* t) {
    RTFUZZ_CHECK(t->on_queue, "dequeue of a task not on the queue");
    const int p = t->prio;
    if (t->prev) t->prev->next = t->next; else heads_[p] = t->next;
    if (t->next) t->next->prev = t->prev; else tails_[p] = t->prev;
    if (heads_[p] == nullptr) bitmap_[p / 64] &= ~(uint64_t{1} << (p % 64));
    t->prev = t->next = nullptr;
    t->on_queue = false;
    --size_;
  }

  // Highest-priority queued task, or null.
  RunQueueLinks* Peek() const {
    for (int w = 0; w < kWords; ++w) {
      if (bitmap_[w] != 0) return heads_[w * 64 + __builtin_ctzll(bitmap_[w])];
    }
    return nullptr;
  }

  bool empty() const { return size_ == 0; }
  int size() const { return size_; }

 private:
  static constexpr int kWords = (kPrioCount + 63) / 64;
  uint64_t bitmap_[kWords];
  RunQueueLinks* heads_[kPrioCount];
  RunQueueLinks* tails_[kPrioCount];
  int size_ = 0;
  bool initialized_ = false;
};

}  // namespace rtfuzz::rt::internal

#endif  // RTFUZZ_SRC_RT_RUN_QUEUE_H_
