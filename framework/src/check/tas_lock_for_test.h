// framework/src/check/tas_lock_for_test.h
//
// The test-and-set lock the oracle tests build their programs from: one
// word on rt::Point, announcing itself with the lock events as kapi's locks
// do. Test-only; internal to rtfuzz::check's tests.

#ifndef RTFUZZ_SRC_CHECK_TAS_LOCK_FOR_TEST_H_
#define RTFUZZ_SRC_CHECK_TAS_LOCK_FOR_TEST_H_

#include <cstdint>

#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/context.h"

namespace rtfuzz::check::test_locks {

struct TasLock {
  LockId id;
  const char* name;
  int locked = 0;
};

// One cmpxchg step; on success the acquisition is announced in the same
// step (check/lock_events.h).
inline bool TryTas(TasLock& l, const char* site) {
  const bool won = l.locked == 0;
  if (won) {
    l.locked = 1;
    LockAcquired(l.id, site);
  }
  rt::Point(rt::Op::kRmw, l.id, static_cast<uint64_t>(l.locked),
            rt::kPointAtomic | (won ? uint32_t{rt::kPointWrite} : 0u));
  return won;
}

}  // namespace rtfuzz::check::test_locks

#endif  // RTFUZZ_SRC_CHECK_TAS_LOCK_FOR_TEST_H_
