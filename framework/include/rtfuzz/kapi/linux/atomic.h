/* framework/include/rtfuzz/kapi/linux/atomic.h
 *
 * atomic_t, atomic64_t and atomic_long_t with the kernel's API
 * (Documentation/atomic_t.txt), and the generic xchg()/cmpxchg()/try_cmpxchg()
 * on plain scalars of 1, 2, 4 or 8 bytes.
 *
 * Every operation is exactly ONE point, made after its memory effect, so the
 * whole read-modify-write is indivisible, as a LOCK-prefixed instruction is:
 *
 *   atomic_read{,_acquire}()    op kRead,  flags kPointRead
 *   atomic_set{,_release}()     op kWrite, flags kPointWrite
 *   every RMW                   op kRmw,   flags kPointAtomic | kPointRead, and
 *                               kPointWrite iff the value changed (a failed
 *                               cmpxchg is not a write: internal/rmw.h)
 *
 * The record's object is the atomic's id (internal/object_id.h), its value the
 * counter after the operation. The conditional operations
 * (atomic_fetch_add_unless(), atomic_inc_not_zero(), atomic_dec_if_positive()
 * ...) are one indivisible point too, where the kernel's generic fallback is a
 * read + try_cmpxchg() loop with the same linearizable result.
 *
 * Ordering variants (_acquire, _release, _relaxed) exist where the kernel has
 * them and behave as the fully ordered form: the machine is sequentially
 * consistent (asm/barrier.h).
 *
 * atomic_cond_read_{acquire,relaxed}(v, cond) wait like
 * smp_cond_load_acquire() (VAL names the value), each load a point on the
 * atomic's id.
 */

#ifndef RTFUZZ_KAPI_LINUX_ATOMIC_H_
#define RTFUZZ_KAPI_LINUX_ATOMIC_H_

#include "rtfuzz/kapi/asm/barrier.h"
#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/object_id.h"
#include "rtfuzz/kapi/internal/rmw.h"
#include "rtfuzz/kapi/linux/compiler.h"
#include "rtfuzz/kapi/linux/kapi_types.h"

namespace rtfuzz::kapi::internal {

template <typename A>
using Counter = decltype(A::counter);

template <typename A>
inline uint32_t AtomicId(const A *v)
{
	return rtfuzz_kapi_object_id(&const_cast<A *>(v)->rtfuzz_obj);
}

template <typename A>
inline Counter<A> AtomicRead(const A *v)
{
	const uint32_t id = AtomicId(v);
	const Counter<A> c = LoadWord<__ATOMIC_RELAXED>(&v->counter);
	rt::Point(rt::Op::kRead, id, TraceValue(c), rt::kPointRead | WordFlags<Counter<A>>(),
		  WordAddr(&v->counter), RawBits(c));
	return c;
}

template <typename A>
inline void AtomicSet(A *v, Counter<A> i)
{
	const uint32_t id = AtomicId(v);
	StoreWord<__ATOMIC_RELAXED>(&v->counter, i);
	rt::Point(rt::Op::kWrite, id, TraceValue(i), rt::kPointWrite | WordFlags<Counter<A>>(),
		  WordAddr(&v->counter), RawBits(i));
}

/*
 * The one RMW all others are made of: `op(old, &new)` says whether to store
 * `new`; the point follows. Returns the old value.
 */
template <typename A, typename Op>
inline Counter<A> AtomicFetchIf(A *v, Op op)
{
	const uint32_t id = AtomicId(v);
	Counter<A> nw{};
	const Counter<A> old = FetchIfWord<__ATOMIC_SEQ_CST>(
		&v->counter, [&op, &nw](Counter<A> seen, Counter<A> *out) {
			nw = seen;
			if (!op(seen, out))
				return false;
			nw = *out;
			return true;
		});
	RmwPoint(id, TraceValue(nw), nw != old, &v->counter, old);
	return old;
}

/* Unconditional RMW ops: new = op(old). Pure, so op(old) can be recomputed. */
template <typename T>
struct AddOp {
	T i;
	T operator()(T old) const { return WrapAdd(old, i); }
};
template <typename T>
struct SubOp {
	T i;
	T operator()(T old) const { return WrapSub(old, i); }
};
template <typename T>
struct AndOp {
	T i;
	T operator()(T old) const { return old & i; }
};
template <typename T>
struct AndNotOp {
	T i;
	T operator()(T old) const { return old & ~i; }
};
template <typename T>
struct OrOp {
	T i;
	T operator()(T old) const { return old | i; }
};
template <typename T>
struct XorOp {
	T i;
	T operator()(T old) const { return old ^ i; }
};
template <typename T>
struct SetOp {
	T i;
	T operator()(T) const { return i; }
};

/* atomic_fetch_<op>(): returns the old value. */
template <typename A, typename Op>
inline Counter<A> AtomicFetch(A *v, Op op)
{
	using C = Counter<A>;
	/* Adds and subtracts are one fetch-and-add (lock xadd), not a CAS loop. */
	if constexpr (std::is_same_v<Op, AddOp<C>> || std::is_same_v<Op, SubOp<C>>) {
		if (!RealThreads())
			return AtomicFetchIf(v, [&op](C old, C *nw) {
				*nw = op(old);
				return true;
			});
		const uint32_t id = AtomicId(v);
		using U = std::make_unsigned_t<C>;
		const U delta = std::is_same_v<Op, AddOp<C>> ? static_cast<U>(op.i)
							   : static_cast<U>(-static_cast<U>(op.i));
		const C old = static_cast<C>(__atomic_fetch_add(
			reinterpret_cast<U *>(&v->counter), delta, __ATOMIC_SEQ_CST));
		const C nw = op(old);
		RmwPoint(id, TraceValue(nw), nw != old, &v->counter, old);
		return old;
	}
	return AtomicFetchIf(v, [&op](Counter<A> old, Counter<A> *nw) {
		*nw = op(old);
		return true;
	});
}

/* atomic_<op>_return(): returns the new value. */
template <typename A, typename Op>
inline Counter<A> AtomicReturn(A *v, Op op)
{
	return op(AtomicFetch(v, op));
}

template <typename A>
inline Counter<A> AtomicCmpxchg(A *v, Counter<A> old, Counter<A> nw)
{
	return AtomicFetchIf(v, [old, nw](Counter<A> seen, Counter<A> *out) {
		*out = nw;
		return seen == old;
	});
}

template <typename A>
inline bool AtomicTryCmpxchg(A *v, Counter<A> *old, Counter<A> nw)
{
	const Counter<A> seen = AtomicCmpxchg(v, *old, nw);
	if (seen == *old)
		return true;
	*old = seen;
	return false;
}

/* atomic_fetch_add_unless(): adds a unless the value is u; returns old. */
template <typename A>
inline Counter<A> AtomicFetchAddUnless(A *v, Counter<A> a, Counter<A> u)
{
	return AtomicFetchIf(v, [a, u](Counter<A> old, Counter<A> *nw) {
		*nw = WrapAdd(old, a);
		return old != u;
	});
}

template <typename A>
inline bool AtomicIncUnlessNegative(A *v)
{
	const Counter<A> old = AtomicFetchIf(v, [](Counter<A> c, Counter<A> *nw) {
		*nw = WrapAdd(c, Counter<A>{1});
		return c >= 0;
	});
	return old >= 0;
}

template <typename A>
inline bool AtomicDecUnlessPositive(A *v)
{
	const Counter<A> old = AtomicFetchIf(v, [](Counter<A> c, Counter<A> *nw) {
		*nw = WrapSub(c, Counter<A>{1});
		return c <= 0;
	});
	return old <= 0;
}

/* atomic_dec_if_positive(): returns old - 1, stored only if >= 0. */
template <typename A>
inline Counter<A> AtomicDecIfPositive(A *v)
{
	const Counter<A> old = AtomicFetchIf(v, [](Counter<A> c, Counter<A> *nw) {
		*nw = WrapSub(c, Counter<A>{1});
		return *nw >= 0;
	});
	return WrapSub(old, Counter<A>{1});
}

template <typename A, typename Cond>
inline Counter<A> AtomicCondRead(A *v, Cond cond)
{
	for (;;) {
		Counter<A> c = AtomicRead(v);
		if (cond(c))
			return c;
		rt::Spin();
	}
}

}  // namespace rtfuzz::kapi::internal

#define RTFUZZ_KAPI_NS ::rtfuzz::kapi::internal::

/* One kernel function. `expr` is parenthesized by the caller. */
#define RTFUZZ_KAPI_FN(ret, name, params, expr)				\
	static inline ret name params { return expr; }

/* The fully ordered function and its _acquire, _release, _relaxed forms. */
#define RTFUZZ_KAPI_FN_ORDERED(ret, name, params, expr)			\
	RTFUZZ_KAPI_FN(ret, name, params, expr)					\
	RTFUZZ_KAPI_FN(ret, name##_acquire, params, expr)			\
	RTFUZZ_KAPI_FN(ret, name##_release, params, expr)			\
	RTFUZZ_KAPI_FN(ret, name##_relaxed, params, expr)

/*
 * The whole API of one atomic type: prefix `pfx` (atomic, atomic64,
 * atomic_long), type `at`, counter type `it`. The list follows the kernel's
 * scripts/atomic/atomics.tbl.
 */
#define RTFUZZ_KAPI_ATOMIC_FAMILY(pfx, at, it)					\
	RTFUZZ_KAPI_FN(it, pfx##_read, (const at *v), (RTFUZZ_KAPI_NS AtomicRead(v)))	\
	RTFUZZ_KAPI_FN(it, pfx##_read_acquire, (const at *v),			\
		       (RTFUZZ_KAPI_NS AtomicRead(v)))				\
	RTFUZZ_KAPI_FN(void, pfx##_set, (at *v, it i), (RTFUZZ_KAPI_NS AtomicSet(v, i)))	\
	RTFUZZ_KAPI_FN(void, pfx##_set_release, (at *v, it i),			\
		       (RTFUZZ_KAPI_NS AtomicSet(v, i)))				\
										\
	RTFUZZ_KAPI_FN(void, pfx##_add, (it i, at *v),				\
		       ((void)RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS AddOp<it>{i})))	\
	RTFUZZ_KAPI_FN(void, pfx##_sub, (it i, at *v),				\
		       ((void)RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS SubOp<it>{i})))	\
	RTFUZZ_KAPI_FN(void, pfx##_inc, (at *v),				\
		       ((void)RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS AddOp<it>{1})))	\
	RTFUZZ_KAPI_FN(void, pfx##_dec, (at *v),				\
		       ((void)RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS SubOp<it>{1})))	\
	RTFUZZ_KAPI_FN(void, pfx##_and, (it i, at *v),				\
		       ((void)RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS AndOp<it>{i})))	\
	RTFUZZ_KAPI_FN(void, pfx##_andnot, (it i, at *v),			\
		       ((void)RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS AndNotOp<it>{i})))	\
	RTFUZZ_KAPI_FN(void, pfx##_or, (it i, at *v),				\
		       ((void)RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS OrOp<it>{i})))	\
	RTFUZZ_KAPI_FN(void, pfx##_xor, (it i, at *v),				\
		       ((void)RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS XorOp<it>{i})))	\
										\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_add_return, (it i, at *v),		\
		       (RTFUZZ_KAPI_NS AtomicReturn(v, RTFUZZ_KAPI_NS AddOp<it>{i})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_sub_return, (it i, at *v),		\
		       (RTFUZZ_KAPI_NS AtomicReturn(v, RTFUZZ_KAPI_NS SubOp<it>{i})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_inc_return, (at *v),			\
		       (RTFUZZ_KAPI_NS AtomicReturn(v, RTFUZZ_KAPI_NS AddOp<it>{1})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_dec_return, (at *v),			\
		       (RTFUZZ_KAPI_NS AtomicReturn(v, RTFUZZ_KAPI_NS SubOp<it>{1})))	\
										\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_fetch_add, (it i, at *v),		\
		       (RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS AddOp<it>{i})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_fetch_sub, (it i, at *v),		\
		       (RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS SubOp<it>{i})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_fetch_inc, (at *v),			\
		       (RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS AddOp<it>{1})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_fetch_dec, (at *v),			\
		       (RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS SubOp<it>{1})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_fetch_and, (it i, at *v),		\
		       (RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS AndOp<it>{i})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_fetch_andnot, (it i, at *v),		\
		       (RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS AndNotOp<it>{i})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_fetch_or, (it i, at *v),		\
		       (RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS OrOp<it>{i})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_fetch_xor, (it i, at *v),		\
		       (RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS XorOp<it>{i})))	\
										\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_xchg, (at *v, it nw),			\
		       (RTFUZZ_KAPI_NS AtomicFetch(v, RTFUZZ_KAPI_NS SetOp<it>{nw})))	\
	RTFUZZ_KAPI_FN_ORDERED(it, pfx##_cmpxchg, (at *v, it old, it nw),	\
		       (RTFUZZ_KAPI_NS AtomicCmpxchg(v, old, nw)))		\
	RTFUZZ_KAPI_FN_ORDERED(bool, pfx##_try_cmpxchg, (at *v, it *old, it nw),	\
		       (RTFUZZ_KAPI_NS AtomicTryCmpxchg(v, old, nw)))		\
										\
	RTFUZZ_KAPI_FN(bool, pfx##_sub_and_test, (it i, at *v),			\
		       (RTFUZZ_KAPI_NS AtomicReturn(v, RTFUZZ_KAPI_NS SubOp<it>{i}) == 0))	\
	RTFUZZ_KAPI_FN(bool, pfx##_dec_and_test, (at *v),			\
		       (RTFUZZ_KAPI_NS AtomicReturn(v, RTFUZZ_KAPI_NS SubOp<it>{1}) == 0))	\
	RTFUZZ_KAPI_FN(bool, pfx##_inc_and_test, (at *v),			\
		       (RTFUZZ_KAPI_NS AtomicReturn(v, RTFUZZ_KAPI_NS AddOp<it>{1}) == 0))	\
	RTFUZZ_KAPI_FN_ORDERED(bool, pfx##_add_negative, (it i, at *v),		\
		       (RTFUZZ_KAPI_NS AtomicReturn(v, RTFUZZ_KAPI_NS AddOp<it>{i}) < 0))	\
										\
	RTFUZZ_KAPI_FN(it, pfx##_fetch_add_unless, (at *v, it a, it u),		\
		       (RTFUZZ_KAPI_NS AtomicFetchAddUnless(v, a, u)))		\
	RTFUZZ_KAPI_FN(bool, pfx##_add_unless, (at *v, it a, it u),		\
		       (RTFUZZ_KAPI_NS AtomicFetchAddUnless(v, a, u) != u))	\
	RTFUZZ_KAPI_FN(bool, pfx##_inc_not_zero, (at *v),			\
		       (RTFUZZ_KAPI_NS AtomicFetchAddUnless(v, it{1}, it{0}) != 0))	\
	RTFUZZ_KAPI_FN(bool, pfx##_inc_unless_negative, (at *v),		\
		       (RTFUZZ_KAPI_NS AtomicIncUnlessNegative(v)))		\
	RTFUZZ_KAPI_FN(bool, pfx##_dec_unless_positive, (at *v),		\
		       (RTFUZZ_KAPI_NS AtomicDecUnlessPositive(v)))		\
	RTFUZZ_KAPI_FN(it, pfx##_dec_if_positive, (at *v),			\
		       (RTFUZZ_KAPI_NS AtomicDecIfPositive(v)))

RTFUZZ_KAPI_ATOMIC_FAMILY(atomic, atomic_t, int)
RTFUZZ_KAPI_ATOMIC_FAMILY(atomic64, atomic64_t, s64)
RTFUZZ_KAPI_ATOMIC_FAMILY(atomic_long, atomic_long_t, long)

#undef RTFUZZ_KAPI_ATOMIC_FAMILY
#undef RTFUZZ_KAPI_FN_ORDERED
#undef RTFUZZ_KAPI_FN
#undef RTFUZZ_KAPI_NS

#define atomic_cond_read_relaxed(v, c)					\
	(::rtfuzz::kapi::internal::AtomicCondRead((v),			\
		[&](auto VAL) -> bool { (void)VAL; return (c); }))
#define atomic_cond_read_acquire(v, c)		atomic_cond_read_relaxed(v, c)
#define atomic64_cond_read_relaxed(v, c)	atomic_cond_read_relaxed(v, c)
#define atomic64_cond_read_acquire(v, c)	atomic_cond_read_relaxed(v, c)
#define atomic_long_cond_read_relaxed(v, c)	atomic_cond_read_relaxed(v, c)
#define atomic_long_cond_read_acquire(v, c)	atomic_cond_read_relaxed(v, c)

/*
 * Generic xchg(), cmpxchg(), try_cmpxchg() on a plain scalar (integer, enum,
 * pointer) or 1/2/4/8-byte object: one RMW point each, anonymous (object 0).
 */
#define xchg(ptr, v)		(::rtfuzz::kapi::internal::Xchg((ptr), (v)))
#define cmpxchg(ptr, o, n)	(::rtfuzz::kapi::internal::Cmpxchg((ptr), (o), (n)))
#define try_cmpxchg(ptr, po, n)	(::rtfuzz::kapi::internal::TryCmpxchg((ptr), (po), (n)))

#define xchg_acquire		xchg
#define xchg_release		xchg
#define xchg_relaxed		xchg
#define cmpxchg_acquire		cmpxchg
#define cmpxchg_release		cmpxchg
#define cmpxchg_relaxed		cmpxchg
#define try_cmpxchg_acquire	try_cmpxchg
#define try_cmpxchg_release	try_cmpxchg
#define try_cmpxchg_relaxed	try_cmpxchg

#endif  /* RTFUZZ_KAPI_LINUX_ATOMIC_H_ */
