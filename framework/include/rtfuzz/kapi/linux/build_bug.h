/* framework/include/rtfuzz/kapi/linux/build_bug.h
 *
 * Compile-time assertions, as in the kernel's <linux/build_bug.h>. No points:
 * nothing happens at run time.
 */

#ifndef RTFUZZ_KAPI_LINUX_BUILD_BUG_H_
#define RTFUZZ_KAPI_LINUX_BUILD_BUG_H_

#include "rtfuzz/kapi/internal/kapi.h"

/* A statement, like the kernel's; the condition must be a constant. */
#define BUILD_BUG_ON_MSG(cond, msg)	static_assert(!(cond), msg)
#define BUILD_BUG_ON(cond)		BUILD_BUG_ON_MSG(cond, "BUILD_BUG_ON failed: " #cond)
#define BUILD_BUG()			BUILD_BUG_ON_MSG(1, "BUILD_BUG failed")

/* An expression of value 0 that fails to compile if cond is true. */
#define BUILD_BUG_ON_ZERO(cond)		((int)sizeof(char[1 - 2 * !!(cond)]) - 1)

#endif  /* RTFUZZ_KAPI_LINUX_BUILD_BUG_H_ */
