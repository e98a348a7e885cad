/* framework/include/rtfuzz/kapi/linux/tick.h
 *
 * <linux/tick.h>'s NOHZ_FULL test: a CPU the scenario isolated
 * (rt::Scenario::IsolateCpu, the nohz_full= list) is a full-dynticks CPU.
 * Not a point. On the native backend no CPU is (the scenario's isolation is
 * not the machine's).
 */
#ifndef RTFUZZ_KAPI_LINUX_TICK_H_
#define RTFUZZ_KAPI_LINUX_TICK_H_

#include "rtfuzz/kapi/internal/kapi.h"

static inline bool tick_nohz_full_cpu(int cpu)
{
	return rtfuzz::rt::CpuIsolated(cpu);
}

#endif /* RTFUZZ_KAPI_LINUX_TICK_H_ */
