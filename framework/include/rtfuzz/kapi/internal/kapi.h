/* framework/include/rtfuzz/kapi/internal/kapi.h
 *
 * The one internal header every kapi header includes first: it refuses real
 * kernel headers, pulls in the machine's API (rtfuzz/rt/context.h) and holds
 * the helpers the kernel-named macros expand to. Target code never includes it.
 */

/*
 * A real kernel header that got in before a kapi header (a stray -I to a
 * kernel tree) would silently replace the modeled primitive with the real
 * one, so every interleaving would be wrong. Detect it by the kernel's own
 * include guards (GenMC's lkmm.h does the same). This check sits outside the
 * include guard on purpose: it runs at every kapi include, so a real header
 * included between two kapi headers is caught too. kapi headers therefore
 * never use kernel guard names: theirs are RTFUZZ_KAPI_<PATH>_H_.
 *
 * Only guards no UAPI header under /usr/include uses are listed: the UAPI
 * <linux/kernel.h>, <linux/types.h> and <linux/sched.h> install guards that
 * the kernel's own headers of the same name share.
 */
#if defined(__LINUX_COMPILER_H) || defined(__LINUX_COMPILER_TYPES_H) ||      \
	defined(_LINUX_ATOMIC_H) || defined(__LINUX_SPINLOCK_H) ||          \
	defined(__LINUX_MUTEX_H) || defined(__LINUX_PREEMPT_H) ||           \
	defined(__LINUX_PERCPU_H) || defined(_LINUX_LIST_H) ||              \
	defined(_LINUX_TRACE_IRQFLAGS_H) || defined(_LINUX_BUG_H) ||        \
	defined(__ASM_GENERIC_BARRIER_H) || defined(_ASM_X86_BARRIER_H)
#error "rtfuzz kapi: a real kernel header was included before a kapi header; " \
	"target code must see only framework/include/rtfuzz/kapi (kapi/README.md)"
#endif

#ifndef RTFUZZ_KAPI_INTERNAL_KAPI_H_
#define RTFUZZ_KAPI_INTERNAL_KAPI_H_

#ifndef __cplusplus
/*
 * Target frames must unwind with C++ exceptions (the machine ends unfinished
 * fibers with forced_unwind), and the shim is built from C++ templates. C
 * targets are compiled as C++ for now (kapi/README.md).
 */
#error "rtfuzz kapi: compile target code as C++ (C++20)"
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "rtfuzz/rt/backend.h"
#include "rtfuzz/rt/context.h"

namespace rtfuzz::kapi::internal {

/*
 * Trace ops kapi adds beyond rt::Op, as rt::Op::kUser + n (trace.h allows
 * it). Values are stable: they feed the trace hash. Append only.
 */
enum KapiOp : uint16_t {
	kOpBarrier = 0,	/* value = enum Barrier below */
	kOpMigrate = 1,	/* value = 1 for migrate_disable(), 0 for enable */
	kOpTracepoint = 2, /* a tracepoint site; value = probes attached */
};

inline constexpr rt::Op UserOp(KapiOp op)
{
	return static_cast<rt::Op>(static_cast<uint16_t>(rt::Op::kUser) + op);
}

/* Which barrier a kOpBarrier point is. Stable values. */
enum Barrier : uint64_t {
	kBarrierMb = 0,			/* smp_mb(), mb() */
	kBarrierRmb = 1,		/* smp_rmb(), rmb() */
	kBarrierWmb = 2,		/* smp_wmb(), wmb() */
	kBarrierMbBeforeAtomic = 3,	/* smp_mb__before_atomic() */
	kBarrierMbAfterAtomic = 4,	/* smp_mb__after_atomic() */
	kBarrierAcquireAfterCtrlDep = 5, /* smp_acquire__after_ctrl_dep() */
};

/*
 * The value a trace record shows for a loaded or stored T. Records never hold
 * addresses (trace.h), so a pointer shows as 0 (NULL) or 1 (non-NULL); a
 * small struct with padding shows as 0, since its padding bytes are
 * indeterminate and would make the trace hash differ between runs.
 */
template <typename T>
inline uint64_t TraceValue(const T &v)
{
	using U = std::remove_cv_t<T>;
	if constexpr (std::is_pointer_v<U> || std::is_null_pointer_v<U>) {
		return v != nullptr;
	} else if constexpr (std::is_integral_v<U> || std::is_enum_v<U>) {
		return static_cast<uint64_t>(v);
	} else if constexpr (std::has_unique_object_representations_v<U> &&
			     sizeof(U) <= sizeof(uint64_t)) {
		uint64_t out = 0;
		std::memcpy(&out, &v, sizeof(U));
		return out;
	} else {
		return 0;
	}
}

/*
 * The word a point reads or writes, for the machine's spin detector
 * (rt::Point): its address, flags' PointWordSize, and its raw contents. Only
 * words of up to 8 bytes whose bytes are all value (scalars, or types with no
 * padding); any other is passed as no word, and a spin loop reading it is
 * judged by the coarse rule.
 */
template <typename T>
inline constexpr bool kWordTracked =
	sizeof(T) <= sizeof(uint64_t) &&
	(std::is_scalar_v<T> || std::has_unique_object_representations_v<T>);

template <typename T>
inline const volatile void *WordAddr(const volatile T *p)
{
	if constexpr (kWordTracked<std::remove_cv_t<T>>)
		return p;
	else
		return nullptr;
}

template <typename T>
inline constexpr uint32_t WordFlags()
{
	if constexpr (kWordTracked<std::remove_cv_t<T>>)
		return rt::PointWordSize(sizeof(T));
	else
		return 0;
}

template <typename T>
inline uint64_t RawBits(const T &v)
{
	uint64_t out = 0;
	if constexpr (kWordTracked<std::remove_cv_t<T>>)
		std::memcpy(&out, &v, sizeof(T));
	return out;
}

/*
 * What READ_ONCE(), WRITE_ONCE() and the generic xchg()/cmpxchg() accept:
 * the kernel's compiletime_assert_rwonce_type() (a scalar, or anything of
 * 1, 2, 4 or 8 bytes), and trivially copyable because the machine copies it.
 */
template <typename T>
inline constexpr bool kOnceAccessible =
	std::is_trivially_copyable_v<T> &&
	(std::is_scalar_v<T> || sizeof(T) == 1 || sizeof(T) == 2 ||
	 sizeof(T) == 4 || sizeof(T) == 8);

/*
 * The memory access itself. Every access kapi makes for target code is a
 * real atomic with the order the kernel names (READ_ONCE relaxed,
 * smp_load_acquire acquire, value-returning RMWs fully ordered, ...), so the
 * same code is right on the native backend's real threads and on a
 * simulated CPU (where one OS thread makes every access). Words of other
 * sizes are copied plainly: no real atomic exists for them.
 *
 * On x86-64 a relaxed, acquire or release access is the plain mov it was
 * before, and an RMW is one locked instruction (fully ordered whatever the
 * order asked). A simulated CPU is one OS thread, where a plain RMW is the
 * same and about 4 ns cheaper (kapi_bench BM_AtomicInc), so RMWs and full
 * fences are locked only while a native run is active (RealThreads()).
 */
inline bool RealThreads()
{
	return rt::internal::active_backend.load(std::memory_order_relaxed) != nullptr;
}

template <typename T>
inline constexpr bool kRealAtomic =
	sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8;

template <int Order, typename T>
inline std::remove_cv_t<T> LoadWord(const volatile T *p)
{
	using U = std::remove_cv_t<T>;
	U v;
	if constexpr (kRealAtomic<U>)
		__atomic_load(const_cast<U *>(p), &v, Order);
	else
		std::memcpy(&v, const_cast<const U *>(p), sizeof(U));
	return v;
}

template <int Order, typename T>
inline void StoreWord(volatile T *p, std::remove_cv_t<T> v)
{
	using U = std::remove_cv_t<T>;
	if constexpr (kRealAtomic<U>)
		__atomic_store(const_cast<U *>(p), &v, Order);
	else
		std::memcpy(const_cast<U *>(p), &v, sizeof(U));
}

/*
 * An RMW computing the new value from the old with `op(old, &new)`, which
 * returns false to leave memory alone (a failed cmpxchg, an add_unless at
 * its limit). A compare-and-swap loop: on one OS thread it runs once.
 * Returns the old value.
 */
template <int Order, typename T, typename Op>
inline T FetchIfWord(T *p, Op op)
{
	static_assert(kRealAtomic<T>, "an atomic RMW needs a word of 1, 2, 4 or 8 bytes");
	T old;
	__atomic_load(p, &old, __ATOMIC_RELAXED);
	if (__builtin_expect(!RealThreads(), 1)) {
		T nw = old;
		if (op(old, &nw))
			__atomic_store(p, &nw, __ATOMIC_RELAXED);
		return old;
	}
	for (;;) {
		T nw = old;
		if (!op(old, &nw))
			return old;
		if (__atomic_compare_exchange(p, &old, &nw, /*weak=*/true, Order,
					      __ATOMIC_RELAXED))
			return old;
	}
}

/* typecheck(type, x): a compile-time check that x has type `type`. */
template <typename Expected, typename Actual>
inline constexpr int TypeCheck()
{
	static_assert(std::is_same_v<Expected, std::remove_cv_t<Actual>>,
		      "typecheck(): the expression does not have the expected type");
	return 1;
}

}  // namespace rtfuzz::kapi::internal

#endif  /* RTFUZZ_KAPI_INTERNAL_KAPI_H_ */
