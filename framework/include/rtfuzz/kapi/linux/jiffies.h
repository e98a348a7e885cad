/* framework/include/rtfuzz/kapi/linux/jiffies.h
 *
 * <linux/jiffies.h>: jiffies on the machine's virtual clock, HZ = 1000 (a
 * jiffy is 1 ms, CONFIG_HZ_1000 as PREEMPT_RT configurations usually pick).
 *
 * Modeled: HZ, jiffies (a read of virtual time: one kTimeRead point),
 *   msecs_to_jiffies, usecs_to_jiffies, nsecs_to_jiffies, jiffies_to_msecs,
 *   jiffies_to_usecs, time_after, time_before, time_after_eq,
 *   time_before_eq (wrap-safe, as the kernel's).
 * Not modeled: jiffies_64 as a variable, the tick (jiffies advance with
 *   virtual time, not by a timer interrupt).
 */
#ifndef RTFUZZ_KAPI_LINUX_JIFFIES_H_
#define RTFUZZ_KAPI_LINUX_JIFFIES_H_

#include "rtfuzz/kapi/internal/kapi.h"

#define HZ				1000
#define RTFUZZ_KAPI_NSEC_PER_JIFFY	(1000000000ULL / HZ)

#define jiffies (static_cast<unsigned long>(rtfuzz::rt::Now() / RTFUZZ_KAPI_NSEC_PER_JIFFY))

/* Conversions round up, as the kernel's do, so a wait is never shorter. */
static inline unsigned long nsecs_to_jiffies(uint64_t n)
{
	return static_cast<unsigned long>((n + RTFUZZ_KAPI_NSEC_PER_JIFFY - 1) /
					  RTFUZZ_KAPI_NSEC_PER_JIFFY);
}
static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return nsecs_to_jiffies(static_cast<uint64_t>(m) * 1000000ULL);
}
static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return nsecs_to_jiffies(static_cast<uint64_t>(u) * 1000ULL);
}
static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return static_cast<unsigned int>(j * (RTFUZZ_KAPI_NSEC_PER_JIFFY / 1000000ULL));
}
static inline unsigned int jiffies_to_usecs(unsigned long j)
{
	return static_cast<unsigned int>(j * (RTFUZZ_KAPI_NSEC_PER_JIFFY / 1000ULL));
}

#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)

#endif /* RTFUZZ_KAPI_LINUX_JIFFIES_H_ */
