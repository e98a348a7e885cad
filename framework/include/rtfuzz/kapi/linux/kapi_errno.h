/* framework/include/rtfuzz/kapi/linux/kapi_errno.h
 *
 * The error numbers kernel locking code returns, with the kernel's values
 * (include/uapi/asm-generic/errno-base.h and errno.h). Named kapi_errno.h
 * because <linux/errno.h> is a UAPI header that glibc's <errno.h> includes;
 * kapi does not shadow it. The values equal glibc's on Linux, so each is
 * defined only if <errno.h> has not defined it already.
 */

#ifndef RTFUZZ_KAPI_LINUX_KAPI_ERRNO_H_
#define RTFUZZ_KAPI_LINUX_KAPI_ERRNO_H_

#include "rtfuzz/kapi/internal/kapi.h"

#ifndef EPERM
#define EPERM		1	/* Operation not permitted */
#endif
#ifndef EINTR
#define EINTR		4	/* Interrupted system call */
#endif
#ifndef EAGAIN
#define EAGAIN		11	/* Try again */
#endif
#ifndef EWOULDBLOCK
#define EWOULDBLOCK	EAGAIN	/* Operation would block */
#endif
#ifndef ENOMEM
#define ENOMEM		12	/* Out of memory */
#endif
#ifndef EBUSY
#define EBUSY		16	/* Device or resource busy */
#endif
#ifndef EINVAL
#define EINVAL		22	/* Invalid argument */
#endif
#ifndef EDEADLK
#define EDEADLK		35	/* Resource deadlock would occur */
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT	110	/* Connection timed out */
#endif

/* Kernel-internal (include/linux/errno.h): never seen by user space. */
#define ERESTARTSYS	512

#endif  /* RTFUZZ_KAPI_LINUX_KAPI_ERRNO_H_ */
