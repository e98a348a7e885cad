/* framework/include/rtfuzz/kapi/linux/timekeeping.h
 *
 * Clock reads, as the kernel's <linux/timekeeping.h>: every clock is the
 * machine's virtual time in nanoseconds since the execution began (rt::Now()),
 * and every read is one point (op kTimeRead). Virtual time advances by
 * step_ns per point and jumps over sleeps and stuck spinners
 * (docs/architecture.md#time-warp), so a 250 ms timeout loop is cheap.
 * Not modeled: differences between the clocks (MONOTONIC, RAW, BOOTTIME,
 * the NMI-safe fast accessors are all the same clock); wall-clock time.
 */

#ifndef RTFUZZ_KAPI_LINUX_TIMEKEEPING_H_
#define RTFUZZ_KAPI_LINUX_TIMEKEEPING_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/ktime.h"

static inline ktime_t ktime_get(void)
{
	return (ktime_t)::rtfuzz::rt::Now();
}

static inline u64 ktime_get_ns(void)		{ return ::rtfuzz::rt::Now(); }
static inline u64 ktime_get_mono_fast_ns(void)	{ return ::rtfuzz::rt::Now(); }
static inline u64 ktime_get_raw_fast_ns(void)	{ return ::rtfuzz::rt::Now(); }
static inline u64 ktime_get_raw_ns(void)	{ return ::rtfuzz::rt::Now(); }
static inline u64 ktime_get_boottime_ns(void)	{ return ::rtfuzz::rt::Now(); }
static inline ktime_t ktime_get_raw(void)	{ return (ktime_t)::rtfuzz::rt::Now(); }
/* <linux/sched/clock.h>: the scheduler's per-CPU clock. */
static inline u64 local_clock(void)		{ return ::rtfuzz::rt::Now(); }
static inline u64 sched_clock(void)		{ return ::rtfuzz::rt::Now(); }

#endif  /* RTFUZZ_KAPI_LINUX_TIMEKEEPING_H_ */
