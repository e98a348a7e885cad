/* framework/include/rtfuzz/kapi/linux/bottom_half.h
 *
 * local_bh_disable()/local_bh_enable(), as the kernel's <linux/bottom_half.h>:
 * each is one point (rt::LocalBh*), adding or removing SOFTIRQ_DISABLE_OFFSET
 * in the current context's preempt_count; enabling runs pending softirqs at
 * that point. Not modeled: PREEMPT_RT's per-CPU softirq lock (on RT a task
 * with bottom halves disabled can be preempted; here bh-disabled only holds
 * off softirqs on its CPU).
 */

#ifndef RTFUZZ_KAPI_LINUX_BOTTOM_HALF_H_
#define RTFUZZ_KAPI_LINUX_BOTTOM_HALF_H_

#include "rtfuzz/kapi/internal/kapi.h"

static inline void local_bh_disable(void)
{
	::rtfuzz::rt::LocalBhDisable();
}

static inline void local_bh_enable(void)
{
	::rtfuzz::rt::LocalBhEnable();
}

#endif  /* RTFUZZ_KAPI_LINUX_BOTTOM_HALF_H_ */
