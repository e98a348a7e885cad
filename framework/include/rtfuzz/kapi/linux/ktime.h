/* framework/include/rtfuzz/kapi/linux/ktime.h
 *
 * ktime_t and the time constants, as the kernel's <linux/ktime.h> and
 * <vdso/time64.h>. Arithmetic only: no points. Reading the clock is in
 * <linux/timekeeping.h>.
 */

#ifndef RTFUZZ_KAPI_LINUX_KTIME_H_
#define RTFUZZ_KAPI_LINUX_KTIME_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/kapi_types.h"

#define MSEC_PER_SEC	1000L
#define USEC_PER_MSEC	1000L
#define NSEC_PER_USEC	1000L
#define NSEC_PER_MSEC	1000000L
#define USEC_PER_SEC	1000000L
#define NSEC_PER_SEC	1000000000L

/* Nanoseconds, signed, as the kernel's. */
typedef s64 ktime_t;

#define KTIME_MAX	((s64)~((u64)1 << 63))

static inline ktime_t ns_to_ktime(u64 ns)		{ return (ktime_t)ns; }
static inline s64 ktime_to_ns(const ktime_t kt)		{ return kt; }
static inline s64 ktime_to_us(const ktime_t kt)		{ return kt / NSEC_PER_USEC; }
static inline s64 ktime_to_ms(const ktime_t kt)		{ return kt / NSEC_PER_MSEC; }
static inline ktime_t ktime_add_ns(const ktime_t kt, u64 ns) { return kt + (s64)ns; }
static inline ktime_t ktime_sub_ns(const ktime_t kt, u64 ns) { return kt - (s64)ns; }
static inline ktime_t ktime_add(const ktime_t a, const ktime_t b) { return a + b; }
static inline ktime_t ktime_sub(const ktime_t a, const ktime_t b) { return a - b; }

static inline int ktime_compare(const ktime_t a, const ktime_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

static inline bool ktime_after(const ktime_t a, const ktime_t b)  { return a > b; }
static inline bool ktime_before(const ktime_t a, const ktime_t b) { return a < b; }

#endif  /* RTFUZZ_KAPI_LINUX_KTIME_H_ */
