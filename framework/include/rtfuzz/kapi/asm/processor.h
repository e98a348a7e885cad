/* framework/include/rtfuzz/kapi/asm/processor.h
 *
 * cpu_relax(): one iteration of a spin-wait loop, as x86's `rep; nop`. It is
 * rt::Spin(), a point the machine's spin detector watches: a context whose
 * iteration repeats what it read (or with nothing written anywhere since) is
 * stuck, so another CPU steps; when every CPU is stuck virtual time warps, or
 * the execution ends as a spin deadlock (docs/architecture.md#time-warp).
 * Every busy-wait loop in target code must call it, or the execution ends with
 * the verdict step-budget. A loop is judged by what it reads: one that ends
 * by counting its own iterations should read the clock (ndelay()) instead.
 */

#ifndef RTFUZZ_KAPI_ASM_PROCESSOR_H_
#define RTFUZZ_KAPI_ASM_PROCESSOR_H_

#include "rtfuzz/kapi/internal/kapi.h"

static inline void cpu_relax(void)
{
	::rtfuzz::rt::Spin();
}

#endif  /* RTFUZZ_KAPI_ASM_PROCESSOR_H_ */
