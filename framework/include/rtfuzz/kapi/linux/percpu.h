/* framework/include/rtfuzz/kapi/linux/percpu.h
 *
 * Per-CPU variables, as the kernel's <linux/percpu.h> and
 * <linux/percpu-defs.h>, plus the CPU-number helpers of <linux/smp.h> and
 * <linux/cpumask.h> (smp_processor_id(), nr_cpu_ids, for_each_possible_cpu()).
 *
 * Layout, as the kernel's: DEFINE_PER_CPU(type, name) defines `type name` in
 * the linker section "rtfuzz_kapi_percpu". That object is CPU 0's copy; the
 * copies of CPUs 1..63 (rt::kMaxCpus) live in an area the runtime fills with
 * a snapshot of the whole section at program start (src/kapi/percpu.cc). So a
 * per-CPU pointer is any address inside the section, and this_cpu_ptr() /
 * per_cpu_ptr() relocate it by the CPU's offset: `&var`, `&var.member`,
 * `&array[i].member` all work, as qspinlock's per_cpu_ptr(&qnodes[0].mcs, cpu)
 * needs. Per-CPU types must be trivially copyable and constant-initialized.
 * Reset per-CPU state between executions in the scenario's OnReset through
 * per_cpu(var, cpu) for each CPU; never use `var` directly (as in the kernel).
 *
 * Points:
 *   this_cpu_ptr(), per_cpu_ptr(), per_cpu(), smp_processor_id()
 *                              not points (address arithmetic, own CPU id)
 *   this_cpu_read()/_write()   one point, as READ_ONCE()/WRITE_ONCE()
 *   this_cpu_<rmw>()           ONE point, op kRmw, flags kPointRead (+
 *                              kPointWrite iff the value changed), no
 *                              kPointAtomic: as on x86, the RMW is a single
 *                              unlocked instruction, indivisible against
 *                              interrupts on its CPU, not against other CPUs
 *                              (which touch it only through per_cpu_ptr())
 * __this_cpu_*() and raw_cpu_*() are the same operations.
 */

#ifndef RTFUZZ_KAPI_LINUX_PERCPU_H_
#define RTFUZZ_KAPI_LINUX_PERCPU_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/rmw.h"
#include "rtfuzz/kapi/linux/compiler.h"
#include "rtfuzz/kapi/linux/preempt.h"

extern "C" {

/*
 * The address of CPU `cpu`'s copy of the per-CPU object at `ptr` (an address
 * inside CPU 0's copy). Incorrect usage (abort) if `ptr` is not inside a
 * DEFINE_PER_CPU object or cpu is not in [0, rt::kMaxCpus). Not a point.
 */
void *rtfuzz_kapi_per_cpu_ptr(const volatile void *ptr, int cpu);

}  /* extern "C" */

#ifndef SMP_CACHE_BYTES
#define SMP_CACHE_BYTES		64
#endif

#define RTFUZZ_KAPI_PERCPU_ATTRS	__attribute__((__section__("rtfuzz_kapi_percpu")))

#define DEFINE_PER_CPU(type, name)	RTFUZZ_KAPI_PERCPU_ATTRS __typeof__(type) name
#define DECLARE_PER_CPU(type, name)	extern RTFUZZ_KAPI_PERCPU_ATTRS __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name)				\
	RTFUZZ_KAPI_PERCPU_ATTRS __aligned(SMP_CACHE_BYTES) __typeof__(type) name
#define DECLARE_PER_CPU_ALIGNED(type, name)				\
	extern RTFUZZ_KAPI_PERCPU_ATTRS __aligned(SMP_CACHE_BYTES) __typeof__(type) name
#define DEFINE_PER_CPU_SHARED_ALIGNED(type, name)	DEFINE_PER_CPU_ALIGNED(type, name)
#define DECLARE_PER_CPU_SHARED_ALIGNED(type, name)	DECLARE_PER_CPU_ALIGNED(type, name)
#define EXPORT_PER_CPU_SYMBOL(var)
#define EXPORT_PER_CPU_SYMBOL_GPL(var)

/* --- CPU numbers (<linux/smp.h>, <linux/cpumask.h>) --- */

#define smp_processor_id()	(::rtfuzz::rt::CurrentCpu())
#define raw_smp_processor_id()	(::rtfuzz::rt::CurrentCpu())

/* Possible == present == online: the scenario's CPUs, fixed for a run. */
#define nr_cpu_ids		((unsigned int)::rtfuzz::rt::NumCpus())
#define num_possible_cpus()	nr_cpu_ids
#define num_present_cpus()	nr_cpu_ids
#define num_online_cpus()	nr_cpu_ids
#define for_each_possible_cpu(cpu)					\
	for ((cpu) = 0; (cpu) < (__typeof__(cpu))nr_cpu_ids; (cpu)++)
#define for_each_present_cpu(cpu)	for_each_possible_cpu(cpu)
#define for_each_online_cpu(cpu)	for_each_possible_cpu(cpu)

/* get_cpu(): preempt_disable() (a point), then this CPU's number. */
#define get_cpu()		(preempt_disable(), smp_processor_id())
#define put_cpu()		preempt_enable()

/* --- Addressing --- */

#define per_cpu_ptr(ptr, cpu)						\
	((__typeof__(ptr))rtfuzz_kapi_per_cpu_ptr((ptr), (cpu)))
#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, smp_processor_id())
#define raw_cpu_ptr(ptr)	this_cpu_ptr(ptr)
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), (cpu)))

#define get_cpu_var(var)	(*(preempt_disable(), this_cpu_ptr(&(var))))
#define put_cpu_var(var)						\
	do {								\
		(void)&(var);						\
		preempt_enable();					\
	} while (0)
#define get_cpu_ptr(var)	(preempt_disable(), this_cpu_ptr(var))
#define put_cpu_ptr(var)						\
	do {								\
		(void)(var);						\
		preempt_enable();					\
	} while (0)

/* --- Operations on this CPU's copy --- */

namespace rtfuzz::kapi::internal {

/* The one per-CPU RMW: `op(old, &new)` says whether to store; one point. */
template <typename T, typename Op>
inline T PcpFetchIf(T *p, Op op)
{
	static_assert(std::is_scalar_v<T>, "this_cpu_*(): a scalar per-CPU variable");
	/*
	 * Relaxed: this_cpu ops are atomic against interrupts of their CPU
	 * (the signal handlers of the native backend), not ordered for others.
	 */
	T nw{};
	const T old = FetchIfWord<__ATOMIC_RELAXED>(p, [&op, &nw](T seen, T *out) {
		nw = seen;
		if (!op(seen, out))
			return false;
		nw = *out;
		return true;
	});
	rt::Point(rt::Op::kRmw, 0, TraceValue(nw),
		  rt::kPointRead | (nw != old ? rt::kPointWrite : 0u) | WordFlags<T>(),
		  WordAddr(p), RawBits(old));
	return old;
}

template <typename T>
inline T PcpAddReturn(T *p, std::type_identity_t<T> i)
{
	return WrapAdd(PcpFetchIf(p, [i](T old, T *nw) {
		*nw = WrapAdd(old, i);
		return true;
	}), i);
}

template <typename T>
inline T PcpSubReturn(T *p, std::type_identity_t<T> i)
{
	return WrapSub(PcpFetchIf(p, [i](T old, T *nw) {
		*nw = WrapSub(old, i);
		return true;
	}), i);
}

template <typename T>
inline void PcpAnd(T *p, std::type_identity_t<T> i)
{
	PcpFetchIf(p, [i](T old, T *nw) {
		*nw = old & i;
		return true;
	});
}

template <typename T>
inline void PcpOr(T *p, std::type_identity_t<T> i)
{
	PcpFetchIf(p, [i](T old, T *nw) {
		*nw = old | i;
		return true;
	});
}

template <typename T>
inline T PcpXchg(T *p, std::type_identity_t<T> i)
{
	return PcpFetchIf(p, [i](T, T *nw) {
		*nw = i;
		return true;
	});
}

template <typename T>
inline T PcpCmpxchg(T *p, std::type_identity_t<T> o, std::type_identity_t<T> n)
{
	return PcpFetchIf(p, [o, n](T old, T *nw) {
		*nw = n;
		return old == o;
	});
}

template <typename T>
inline bool PcpTryCmpxchg(T *p, T *o, std::type_identity_t<T> n)
{
	const T seen = PcpCmpxchg(p, *o, n);
	if (seen == *o)
		return true;
	*o = seen;
	return false;
}

}  // namespace rtfuzz::kapi::internal

#define this_cpu_read(pcp)	READ_ONCE(*this_cpu_ptr(&(pcp)))
#define this_cpu_write(pcp, val) WRITE_ONCE(*this_cpu_ptr(&(pcp)), (val))
#define this_cpu_add_return(pcp, val)					\
	(::rtfuzz::kapi::internal::PcpAddReturn(this_cpu_ptr(&(pcp)), (val)))
#define this_cpu_sub_return(pcp, val)					\
	(::rtfuzz::kapi::internal::PcpSubReturn(this_cpu_ptr(&(pcp)), (val)))
#define this_cpu_inc_return(pcp)	this_cpu_add_return(pcp, 1)
#define this_cpu_dec_return(pcp)	this_cpu_sub_return(pcp, 1)
#define this_cpu_add(pcp, val)		((void)this_cpu_add_return(pcp, val))
#define this_cpu_sub(pcp, val)		((void)this_cpu_sub_return(pcp, val))
#define this_cpu_inc(pcp)		this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)		this_cpu_sub(pcp, 1)
#define this_cpu_and(pcp, val)						\
	(::rtfuzz::kapi::internal::PcpAnd(this_cpu_ptr(&(pcp)), (val)))
#define this_cpu_or(pcp, val)						\
	(::rtfuzz::kapi::internal::PcpOr(this_cpu_ptr(&(pcp)), (val)))
#define this_cpu_xchg(pcp, nval)					\
	(::rtfuzz::kapi::internal::PcpXchg(this_cpu_ptr(&(pcp)), (nval)))
#define this_cpu_cmpxchg(pcp, oval, nval)				\
	(::rtfuzz::kapi::internal::PcpCmpxchg(this_cpu_ptr(&(pcp)), (oval), (nval)))
#define this_cpu_try_cmpxchg(pcp, ovalp, nval)				\
	(::rtfuzz::kapi::internal::PcpTryCmpxchg(this_cpu_ptr(&(pcp)), (ovalp), (nval)))

#define __this_cpu_read			this_cpu_read
#define __this_cpu_write		this_cpu_write
#define __this_cpu_add			this_cpu_add
#define __this_cpu_sub			this_cpu_sub
#define __this_cpu_inc			this_cpu_inc
#define __this_cpu_dec			this_cpu_dec
#define __this_cpu_and			this_cpu_and
#define __this_cpu_or			this_cpu_or
#define __this_cpu_add_return		this_cpu_add_return
#define __this_cpu_sub_return		this_cpu_sub_return
#define __this_cpu_inc_return		this_cpu_inc_return
#define __this_cpu_dec_return		this_cpu_dec_return
#define __this_cpu_xchg			this_cpu_xchg
#define __this_cpu_cmpxchg		this_cpu_cmpxchg
#define __this_cpu_try_cmpxchg		this_cpu_try_cmpxchg

#define raw_cpu_read			this_cpu_read
#define raw_cpu_write			this_cpu_write
#define raw_cpu_add			this_cpu_add
#define raw_cpu_sub			this_cpu_sub
#define raw_cpu_inc			this_cpu_inc
#define raw_cpu_dec			this_cpu_dec
#define raw_cpu_and			this_cpu_and
#define raw_cpu_or			this_cpu_or
#define raw_cpu_add_return		this_cpu_add_return
#define raw_cpu_inc_return		this_cpu_inc_return
#define raw_cpu_xchg			this_cpu_xchg
#define raw_cpu_cmpxchg			this_cpu_cmpxchg

#endif  /* RTFUZZ_KAPI_LINUX_PERCPU_H_ */
