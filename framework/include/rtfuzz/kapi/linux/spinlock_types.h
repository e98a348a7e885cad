/* framework/include/rtfuzz/kapi/linux/spinlock_types.h
 *
 * raw_spinlock_t, spinlock_t and rwlock_t, and their static initializers, as
 * the kernel's <linux/spinlock_types.h> and <linux/rwlock_types.h>. The API is
 * in <linux/spinlock.h> and <linux/rwlock.h>.
 *
 * Each lock holds both of its models, the spinning one and the PREEMPT_RT
 * one: which is used is decided per execution by the scenario
 * (rt::Scenario::SetPreemptRt), so the same target binary runs both ways.
 */

#ifndef RTFUZZ_KAPI_LINUX_SPINLOCK_TYPES_H_
#define RTFUZZ_KAPI_LINUX_SPINLOCK_TYPES_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/locks.h"
#include "rtfuzz/kapi/linux/lockdep.h"

typedef struct raw_spinlock {
	struct rtfuzz_kapi_spin rtfuzz_spin;	/* owned by the runtime */
	struct lockdep_map dep_map;
} raw_spinlock_t;

typedef struct spinlock {
	struct rtfuzz_kapi_spin rtfuzz_spin;	/* !PREEMPT_RT: a raw spinlock */
	struct rtfuzz_kapi_rtmutex rtfuzz_rtm;	/* PREEMPT_RT: an rtmutex (rtlock) */
	struct lockdep_map dep_map;
} spinlock_t;

typedef struct rwlock {
	struct rtfuzz_kapi_qrw rtfuzz_qrw;	/* !PREEMPT_RT: spinning */
	struct rtfuzz_kapi_rwbase rtfuzz_rwbase; /* PREEMPT_RT: rwbase_rt */
	struct lockdep_map dep_map;
} rwlock_t;

#define __RAW_SPIN_LOCK_UNLOCKED(lockname)				\
	{ RTFUZZ_KAPI_SPIN_INIT, STATIC_LOCKDEP_MAP_INIT(#lockname, nullptr) }
#define __RAW_SPIN_LOCK_INITIALIZER(lockname)	__RAW_SPIN_LOCK_UNLOCKED(lockname)
#define DEFINE_RAW_SPINLOCK(x)	raw_spinlock_t x = __RAW_SPIN_LOCK_UNLOCKED(x)

#define __SPIN_LOCK_UNLOCKED(lockname)					\
	{ RTFUZZ_KAPI_SPIN_INIT, RTFUZZ_KAPI_RTMUTEX_INIT,		\
	  STATIC_LOCKDEP_MAP_INIT(#lockname, nullptr) }
#define __SPIN_LOCK_INITIALIZER(lockname)	__SPIN_LOCK_UNLOCKED(lockname)
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

#define __RW_LOCK_UNLOCKED(lockname)					\
	{ RTFUZZ_KAPI_QRW_INIT, RTFUZZ_KAPI_RWBASE_INIT,		\
	  STATIC_LOCKDEP_MAP_INIT(#lockname, nullptr) }
#define DEFINE_RWLOCK(x)	rwlock_t x = __RW_LOCK_UNLOCKED(x)

#endif  /* RTFUZZ_KAPI_LINUX_SPINLOCK_TYPES_H_ */
