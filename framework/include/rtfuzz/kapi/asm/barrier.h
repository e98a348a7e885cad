/* framework/include/rtfuzz/kapi/asm/barrier.h
 *
 * Memory barriers, acquire/release accesses and conditional spin-loads, as in
 * the kernel's <asm/barrier.h> (x86 flavour).
 *
 * The machine is sequentially consistent: every access is visible to every
 * CPU as soon as its point is made, so a barrier orders nothing that was not
 * ordered already, and acquire/release accesses are plain accesses. Barriers
 * are still points, so a schedule shows where the code meant to order
 * accesses and interleavings around them are explored:
 *
 *   smp_mb(), mb()                   a point, op kUser+kOpBarrier, kPointAtomic
 *                                    (x86: a LOCK-prefixed instruction)
 *   smp_rmb(), smp_wmb(), rmb(), wmb(),
 *   smp_mb__before_atomic(), smp_mb__after_atomic(),
 *   smp_acquire__after_ctrl_dep()    a point, op kUser+kOpBarrier, no PMU event
 *                                    but "steps" (x86: no instruction)
 *   smp_load_acquire(p)              one load point, as READ_ONCE(*p)
 *   smp_store_release(p, v)          one store point, as WRITE_ONCE(*p, v)
 *   smp_store_mb(var, v)             one RMW point (x86: xchg)
 *   smp_cond_load_{relaxed,acquire}  one load point per evaluation, and
 *                                    cpu_relax() after each failed condition
 *
 * The barrier's kind is the record's value (internal/kapi.h: Barrier).
 * What is not modeled: weak memory. A bug that needs a store buffer (a
 * missing smp_mb() in a store-buffering pattern) cannot be found here.
 */

#ifndef RTFUZZ_KAPI_ASM_BARRIER_H_
#define RTFUZZ_KAPI_ASM_BARRIER_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/rmw.h"
#include "rtfuzz/kapi/linux/compiler.h"

namespace rtfuzz::kapi::internal {

inline void BarrierPoint(Barrier which, uint32_t flags)
{
	/*
	 * The fence itself (real threads need it): smp_mb() a full fence, the
	 * read and acquire barriers acquire fences, smp_wmb() a release fence.
	 * smp_mb__{before,after}_atomic() order nothing more, since every kapi
	 * RMW is fully ordered already (internal/kapi.h).
	 */
	switch (which) {
	case kBarrierMb:
		if (RealThreads())
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
		else
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
		break;
	case kBarrierRmb:
	case kBarrierAcquireAfterCtrlDep:
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		break;
	case kBarrierWmb:
		__atomic_thread_fence(__ATOMIC_RELEASE);
		break;
	default:
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		break;
	}
	rt::Point(UserOp(kOpBarrier), 0, which, flags);
}

/*
 * smp_cond_load_*(): load, test, and relax until the condition holds. The
 * condition is a callable on the loaded value (the macro binds it to VAL).
 */
template <typename T, typename Cond>
inline std::remove_cv_t<T> CondLoad(T *p, Cond cond)
{
	for (;;) {
		std::remove_cv_t<T> v = ReadOnce(p);
		if (cond(v))
			return v;
		rt::Spin();
	}
}

}  // namespace rtfuzz::kapi::internal

#define mb()		::rtfuzz::kapi::internal::BarrierPoint(		\
				::rtfuzz::kapi::internal::kBarrierMb,		\
				::rtfuzz::rt::kPointAtomic)
#define rmb()		::rtfuzz::kapi::internal::BarrierPoint(		\
				::rtfuzz::kapi::internal::kBarrierRmb, 0)
#define wmb()		::rtfuzz::kapi::internal::BarrierPoint(		\
				::rtfuzz::kapi::internal::kBarrierWmb, 0)

#define smp_mb()	mb()
#define smp_rmb()	rmb()
#define smp_wmb()	wmb()

#define smp_mb__before_atomic()						\
	::rtfuzz::kapi::internal::BarrierPoint(				\
		::rtfuzz::kapi::internal::kBarrierMbBeforeAtomic, 0)
#define smp_mb__after_atomic()						\
	::rtfuzz::kapi::internal::BarrierPoint(				\
		::rtfuzz::kapi::internal::kBarrierMbAfterAtomic, 0)
#define smp_acquire__after_ctrl_dep()					\
	::rtfuzz::kapi::internal::BarrierPoint(				\
		::rtfuzz::kapi::internal::kBarrierAcquireAfterCtrlDep, 0)

#define smp_load_acquire(p)						\
	(::rtfuzz::kapi::internal::ReadOnce<std::remove_reference_t<decltype(*(p))>, \
					    __ATOMIC_ACQUIRE>(p))
#define smp_store_release(p, v)						\
	(::rtfuzz::kapi::internal::WriteOnce<std::remove_reference_t<decltype(*(p))>, \
					     __ATOMIC_RELEASE>((p), (v)))
#define smp_store_mb(var, value)	((void)::rtfuzz::kapi::internal::Xchg(&(var), (value)))

/**
 * smp_cond_load_relaxed() - (Spin) wait for cond with no ordering guarantees
 * @ptr: pointer to the variable to wait on
 * @cond_expr: boolean expression to wait for; VAL names the loaded value
 *
 * Returns the value that satisfied cond_expr. Each evaluation is one load
 * point; a failed one calls cpu_relax(), so a waiter nobody releases is seen
 * as stuck and costs a few points per time warp, not one per 10 ns.
 */
#define smp_cond_load_relaxed(ptr, cond_expr)				\
	(::rtfuzz::kapi::internal::CondLoad((ptr),			\
		[&](auto VAL) -> bool { (void)VAL; return (cond_expr); }))

/*
 * smp_cond_load_acquire(): the same loop; the load that satisfies cond_expr
 * is the acquire (no extra barrier point: sequential consistency).
 */
#define smp_cond_load_acquire(ptr, cond_expr)	smp_cond_load_relaxed(ptr, cond_expr)

#endif  /* RTFUZZ_KAPI_ASM_BARRIER_H_ */
