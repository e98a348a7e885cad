/* framework/include/rtfuzz/kapi/internal/rmw.h
 *
 * The read-modify-write core shared by <linux/atomic.h>, the generic
 * xchg()/cmpxchg() and smp_store_mb(): each RMW is indivisible and is ONE
 * point, made after its memory effect (rt/context.h).
 *
 * A point of an RMW is rt::Op::kRmw with the value now in memory (the word
 * it passes the spin detector carries the old contents: what it read), and flags
 * kPointAtomic | kPointRead, plus kPointWrite iff the memory changed: a failed
 * cmpxchg, or an add of 0, is not a write, because a write is news that wakes
 * the machine's spin detector, and a spinner retrying a failing cmpxchg with
 * cpu_relax() must be seen as stuck (docs/architecture.md#time-warp).
 */

#ifndef RTFUZZ_KAPI_INTERNAL_RMW_H_
#define RTFUZZ_KAPI_INTERNAL_RMW_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/object_id.h"

namespace rtfuzz::kapi::internal {

template <typename T>
inline void RmwPoint(uint32_t object, uint64_t value, bool wrote, const T *word,
		     const std::remove_cv_t<T> &old)
{
	rt::Point(rt::Op::kRmw, object, value,
		  rt::kPointAtomic | rt::kPointRead | (wrote ? rt::kPointWrite : 0u) |
			  WordFlags<T>(),
		  WordAddr(word), RawBits(old));
}

template <typename T>
inline bool SameBits(const T &a, const T &b)
{
	if constexpr (std::is_scalar_v<T>)
		return a == b;
	else
		return std::memcmp(&a, &b, sizeof(T)) == 0;
}

/* Integer arithmetic wraps, as the kernel's (-fno-strict-overflow). */
template <typename T>
inline T WrapAdd(T a, T b)
{
	using Un = std::make_unsigned_t<T>;
	return static_cast<T>(static_cast<Un>(static_cast<Un>(a) + static_cast<Un>(b)));
}

template <typename T>
inline T WrapSub(T a, T b)
{
	using Un = std::make_unsigned_t<T>;
	return static_cast<T>(static_cast<Un>(static_cast<Un>(a) - static_cast<Un>(b)));
}

/* xchg(): stores `val`, returns the old value. One point. */
template <typename T>
inline std::remove_cv_t<T> Xchg(T *p, std::type_identity_t<std::remove_cv_t<T>> val,
				uint32_t object = 0)
{
	using U = std::remove_cv_t<T>;
	static_assert(kOnceAccessible<U>,
		      "xchg(): the type must be a scalar or of 1, 2, 4 or 8 bytes");
	U *q = const_cast<U *>(p);
	U old;
	U nw = val;
	if (kRealAtomic<U> && RealThreads())
		__atomic_exchange(q, &nw, &old, __ATOMIC_SEQ_CST);
	else
		old = *q, *q = val;
	RmwPoint(object != 0 ? object : rtfuzz_kapi_word_id(q), TraceValue(val),
		 !SameBits(old, val), q, old);
	return old;
}

/* cmpxchg(): stores `val` iff the value is `old`; returns the value seen. */
template <typename T>
inline std::remove_cv_t<T> Cmpxchg(T *p, std::type_identity_t<std::remove_cv_t<T>> old,
				   std::type_identity_t<std::remove_cv_t<T>> val,
				   uint32_t object = 0)
{
	using U = std::remove_cv_t<T>;
	static_assert(kOnceAccessible<U>,
		      "cmpxchg(): the type must be a scalar or of 1, 2, 4 or 8 bytes");
	U *q = const_cast<U *>(p);
	U seen = old;
	U nw = val;
	bool hit;
	if (kRealAtomic<U> && RealThreads()) {
		hit = __atomic_compare_exchange(q, &seen, &nw, /*weak=*/false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	} else {
		seen = *q;
		hit = SameBits(seen, old);
		if (hit)
			*q = val;
	}
	RmwPoint(object != 0 ? object : rtfuzz_kapi_word_id(q), TraceValue(hit ? val : seen),
		 hit && !SameBits(seen, val), q, seen);
	return seen;
}

/*
 * try_cmpxchg(): as cmpxchg(), but returns whether it stored, and on failure
 * updates *old to the value seen (a plain store to the caller's variable).
 */
template <typename T>
inline bool TryCmpxchg(T *p, std::remove_cv_t<T> *old,
		       std::type_identity_t<std::remove_cv_t<T>> val, uint32_t object = 0)
{
	const std::remove_cv_t<T> seen = Cmpxchg(p, *old, val, object);
	if (SameBits(seen, *old))
		return true;
	*old = seen;
	return false;
}

}  // namespace rtfuzz::kapi::internal

#endif  /* RTFUZZ_KAPI_INTERNAL_RMW_H_ */
