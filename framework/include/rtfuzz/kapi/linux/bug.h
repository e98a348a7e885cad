/* framework/include/rtfuzz/kapi/linux/bug.h
 *
 * BUG(), BUG_ON(), WARN_ON() and friends, as the kernel's <linux/bug.h> and
 * <asm-generic/bug.h>. None is a point.
 *
 *   BUG(), BUG_ON(cond)        end the execution with the verdict "failure"
 *                              and "BUG at <file>:<line>: <cond>"
 *   WARN_ON(cond), WARN_ON_ONCE(cond), WARN(cond, fmt, ...), WARN_ONCE(...)
 *                              return !!cond, as the kernel's; a true
 *                              condition (for now) also ends the execution,
 *                              with "WARNING at <file>:<line>: <cond or fmt>",
 *                              because a warning in locking code is a finding
 *
 * <file> is the source file's base name, so messages are the same in every
 * checkout. WARN()'s message is formatted with vsnprintf(): never pass it a
 * pointer (%p), or the message would differ between processes.
 */

#ifndef RTFUZZ_KAPI_LINUX_BUG_H_
#define RTFUZZ_KAPI_LINUX_BUG_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/build_bug.h"
#include "rtfuzz/kapi/linux/compiler.h"

extern "C" {

/* rt::Fail("BUG at <base name of file>:<line>[: <cond>]"). cond may be NULL. */
[[noreturn]] void rtfuzz_kapi_bug(const char *file, int line, const char *cond);

/*
 * rt::Fail("WARNING at <base name of file>:<line>: <printf(fmt, ...)>"). Never
 * returns; typed bool so WARN() can be one expression of the kernel's type.
 */
[[noreturn]] bool rtfuzz_kapi_warn(const char *file, int line, const char *fmt, ...)
	__attribute__((__format__(__printf__, 3, 4)));

}  /* extern "C" */

#define BUG()		rtfuzz_kapi_bug(__FILE__, __LINE__, nullptr)

#define BUG_ON(condition)						\
	do {								\
		if (unlikely(condition))				\
			rtfuzz_kapi_bug(__FILE__, __LINE__, #condition); \
	} while (0)

namespace rtfuzz::kapi::internal {

/* The value of WARN_ON(): the condition, after failing if it holds. */
inline bool WarnIf(bool condition, const char *file, int line, const char *text)
{
	if (unlikely(condition))
		rtfuzz_kapi_warn(file, line, "%s", text);
	return condition;
}

}  // namespace rtfuzz::kapi::internal

#define WARN_ON(condition)						\
	(::rtfuzz::kapi::internal::WarnIf(!!(condition), __FILE__, __LINE__, #condition))
/* The execution ends at the first warning, so "once" holds trivially. */
#define WARN_ON_ONCE(condition)		WARN_ON(condition)

/* The format's arguments are evaluated only if the condition holds. */
#define WARN(condition, format, ...)					\
	(unlikely(condition) ?						\
		 rtfuzz_kapi_warn(__FILE__, __LINE__, format __VA_OPT__(,) __VA_ARGS__) : \
		 false)
#define WARN_ONCE(condition, format, ...)				\
	WARN(condition, format __VA_OPT__(,) __VA_ARGS__)

#endif  /* RTFUZZ_KAPI_LINUX_BUG_H_ */
