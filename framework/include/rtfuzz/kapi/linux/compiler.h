/* framework/include/rtfuzz/kapi/linux/compiler.h
 *
 * The kernel's <linux/compiler.h> and <linux/compiler_types.h> essentials:
 * READ_ONCE()/WRITE_ONCE() (each one scheduling point), barrier(), branch
 * hints, function attributes, sparse annotations (empty), typecheck().
 * Include kapi headers after any system or third-party header: like the
 * kernel, this defines plain-word macros such as `noinline`.
 */

#ifndef RTFUZZ_KAPI_LINUX_COMPILER_H_
#define RTFUZZ_KAPI_LINUX_COMPILER_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/object_id.h"
#include "rtfuzz/kapi/linux/build_bug.h"
#include "rtfuzz/kapi/linux/kapi_types.h"

namespace rtfuzz::kapi::internal {

/*
 * READ_ONCE(): one load, one point (rt::Op::kRead, kPointRead). The load
 * happens first, then the point, so what an interrupt delivered at this point
 * writes is not seen by this load (rt/context.h).
 */
/*
 * The object a READ_ONCE/WRITE_ONCE record names: a pointer word gets an id
 * (and its variable's name in reports), other words stay anonymous (0), so
 * the common scalar access costs no lookup.
 */
template <typename U, typename T>
inline uint32_t WordObject(T *p)
{
	if constexpr (std::is_pointer_v<U>)
		return rtfuzz_kapi_word_id(p);
	else
		return 0;
}

template <typename T, int Order = __ATOMIC_RELAXED>
inline std::remove_cv_t<T> ReadOnce(T *p)
{
	using U = std::remove_cv_t<T>;
	static_assert(kOnceAccessible<U>,
		      "READ_ONCE(): the type must be a scalar or of 1, 2, 4 or 8 bytes");
	const U v = LoadWord<Order>(p);
	rt::Point(rt::Op::kRead, WordObject<U>(p), TraceValue(v),
		  rt::kPointRead | WordFlags<U>(), WordAddr(p), RawBits(v));
	return v;
}

/*
 * WRITE_ONCE(): one store, one point (rt::Op::kWrite, kPointWrite: a store is
 * always news for spinners, even of the value already there). The value
 * parameter is not deduced, so WRITE_ONCE(p, NULL) converts as in C.
 */
template <typename T, int Order = __ATOMIC_RELAXED>
inline void WriteOnce(T *p, std::type_identity_t<std::remove_cv_t<T>> val)
{
	using U = std::remove_cv_t<T>;
	static_assert(kOnceAccessible<U>,
		      "WRITE_ONCE(): the type must be a scalar or of 1, 2, 4 or 8 bytes");
	StoreWord<Order>(p, val);
	rt::Point(rt::Op::kWrite, WordObject<U>(p), TraceValue(val),
		  rt::kPointWrite | WordFlags<U>(), WordAddr(p), RawBits(val));
}

}  // namespace rtfuzz::kapi::internal

#define READ_ONCE(x)		(::rtfuzz::kapi::internal::ReadOnce(&(x)))
#define WRITE_ONCE(x, val)	(::rtfuzz::kapi::internal::WriteOnce(&(x), (val)))

/* A compiler barrier: no instruction, so not a point. */
#define barrier()		__asm__ __volatile__("" : : : "memory")

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

/* glibc's <sys/cdefs.h> defines __always_inline the same way already. */
#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define noinline		__attribute__((__noinline__))
#define notrace			__attribute__((__no_instrument_function__))
#define __must_check		__attribute__((__warn_unused_result__))
#define __maybe_unused		__attribute__((__unused__))
#define __always_unused		__attribute__((__unused__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __packed		__attribute__((__packed__))

/* sparse annotations: checked by sparse in the kernel, nothing here. */
#define __percpu
#define __rcu
#define __force
#define __acquires(x)
#define __releases(x)
#define __must_hold(x)
#define __cond_acquires(x)

/*
 * typecheck(type, x): 1, and a compile error unless x has type `type`
 * (ignoring const and volatile, as the kernel's pointer comparison does).
 * x is not evaluated.
 */
#define typecheck(type, x)	(::rtfuzz::kapi::internal::TypeCheck<type, __typeof__(x)>())

#endif  /* RTFUZZ_KAPI_LINUX_COMPILER_H_ */
