/* framework/include/rtfuzz/kapi/asm/processor.h
 *
 * cpu_relax(): one iteration of a spin-wait loop, as x86's `rep; nop`. It is
 * rt::Spin(), a point the machine's spin detector watches: a context that
 * relaxes twice with no news in between is stuck, so another CPU steps, and
 * when every CPU is stuck virtual time warps (docs/architecture.md#time-warp).
 * Every busy-wait loop in target code must call it, or the execution ends with
 * the verdict step-budget.
 */

#ifndef RTFUZZ_KAPI_ASM_PROCESSOR_H_
#define RTFUZZ_KAPI_ASM_PROCESSOR_H_

#include "rtfuzz/kapi/internal/kapi.h"

static inline void cpu_relax(void)
{
	::rtfuzz::rt::Spin();
}

#endif  /* RTFUZZ_KAPI_ASM_PROCESSOR_H_ */
