// framework/src/rt/stack_pool.cc
//
// StackPool: guard-paged, reused fiber stacks.

#include "stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include "rtfuzz/base/check.h"

namespace rtfuzz::rt::internal {

StackPool::StackPool(size_t stack_size)
    : page_size_(static_cast<size_t>(::sysconf(_SC_PAGESIZE))) {
  stack_size_ = (stack_size + page_size_ - 1) / page_size_ * page_size_;
}

StackPool::~StackPool() {
  for (const Stack& s : all_) {
    char* base = static_cast<char*>(s.top) - s.size - page_size_;
    ::munmap(base, s.size + page_size_);
  }
}

Stack StackPool::Take() {
  if (!free_.empty()) {
    Stack s = free_.back();
    free_.pop_back();
    return s;
  }
  const size_t total = stack_size_ + page_size_;
  void* base = ::mmap(nullptr, total, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  RTFUZZ_CHECK(base != MAP_FAILED, "mmap of a fiber stack failed");
  // The lowest page is the guard: an overflow faults instead of corrupting
  // the neighbouring stack.
  RTFUZZ_CHECK(::mprotect(base, page_size_, PROT_NONE) == 0,
               "mprotect of a stack guard page failed");
  Stack s{static_cast<char*>(base) + total, stack_size_};
  all_.push_back(s);
  return s;
}

void StackPool::Give(Stack stack) { free_.push_back(stack); }

}  // namespace rtfuzz::rt::internal
