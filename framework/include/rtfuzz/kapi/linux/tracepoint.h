/* framework/include/rtfuzz/kapi/linux/tracepoint.h
 *
 * Tracepoints: named hooks in target code that probes attach to — the way a
 * BPF program (attached to, say, contention_begin) runs inside the lock code
 * that fires it, in whatever context that code runs (task, hardirq, NMI). A
 * probe may take locks, raise interrupts (rt::RaiseInterrupt) or do anything
 * a handler does, which is how reentrancy through tracepoints is explored.
 *
 *   DEFINE_TRACEPOINT(contention_begin);          // one definition
 *   trace_contention_begin(lock, flags);          // in target code
 *   tracepoint_probe_register(&__tracepoint_contention_begin, probe, data);
 *
 * A probe is void probe(void *data, unsigned long arg0, unsigned long arg1);
 * trace_<name>() takes up to two arguments, converted to unsigned long.
 * Scheduling points: the tracepoint site is one point (kOpTracepoint in
 * internal/kapi.h, value = number of probes), then each probe runs.
 * Recursion: a probe may fire tracepoints, its own included, as a BPF
 * program's helpers can. A tracepoint fired again from its own probes in
 * the same context more than TRACEPOINT_MAX_RECURSION deep ends the
 * execution with the verdict "stall" (site tracepoint-recursion:<name>),
 * naming the tracepoint and the context: recursion nothing bounds, which
 * on a kernel overflows the stack (d41e37f26b31's softirq_raise loop).
 * DECLARE_TRACEPOINT(name) declares one defined elsewhere (kapi's own:
 * softirq_raise in <linux/interrupt.h>). Probes stay registered across
 * executions: a scenario that registers in OnReset first unregisters what
 * its previous execution registered (or sets nr_probes = 0).
 * Not modeled: trace event formats, RCU-protected probe updates, static keys.
 */
#ifndef RTFUZZ_KAPI_LINUX_TRACEPOINT_H_
#define RTFUZZ_KAPI_LINUX_TRACEPOINT_H_

#include "rtfuzz/kapi/internal/kapi.h"

#define TRACEPOINT_MAX_PROBES 4
/*
 * Nested firings of one tracepoint from its own probes in one context. A
 * bounded chain re-enters once (a probe whose nested call finds a flag set
 * and stops: d41e37f26b31's fix stops at the second firing); four cannot be
 * such a chain in any seed, and unbounded recursion gets there within four
 * probe calls instead of exhausting the fiber's stack.
 */
#define TRACEPOINT_MAX_RECURSION 4

typedef void (*tracepoint_probe_t)(void *data, unsigned long arg0, unsigned long arg1);

struct tracepoint {
	const char *name;
	int nr_probes;
	tracepoint_probe_t probes[TRACEPOINT_MAX_PROBES];
	void *data[TRACEPOINT_MAX_PROBES];
	/* The firing in progress (recursion check): its context and depth. */
	int rtfuzz_depth;
	uint16_t rtfuzz_context;
	uint64_t rtfuzz_serial;
};

/* 0, or -ENOSPC when TRACEPOINT_MAX_PROBES are attached. */
static inline int tracepoint_probe_register(struct tracepoint *tp, tracepoint_probe_t probe,
					    void *data)
{
	if (tp->nr_probes == TRACEPOINT_MAX_PROBES)
		return -28;
	tp->probes[tp->nr_probes] = probe;
	tp->data[tp->nr_probes] = data;
	tp->nr_probes++;
	return 0;
}

static inline int tracepoint_probe_unregister(struct tracepoint *tp, tracepoint_probe_t probe,
					      void *data)
{
	for (int i = 0; i < tp->nr_probes; i++) {
		if (tp->probes[i] == probe && tp->data[i] == data) {
			for (int j = i + 1; j < tp->nr_probes; j++) {
				tp->probes[j - 1] = tp->probes[j];
				tp->data[j - 1] = tp->data[j];
			}
			tp->nr_probes--;
			return 0;
		}
	}
	return -2;	/* -ENOENT */
}

namespace rtfuzz::kapi::internal {
/* Enters a firing with probes (the recursion check); returns what to restore. */
struct TracepointFiring {
	int depth;
	uint16_t context;
	uint64_t serial;
};
TracepointFiring EnterTracepoint(struct tracepoint *tp);
inline void FireTracepoint(struct tracepoint *tp, unsigned long arg0, unsigned long arg1)
{
	rt::Point(UserOp(kOpTracepoint), 0, static_cast<uint64_t>(tp->nr_probes), 0);
	if (tp->nr_probes == 0)
		return;
	const TracepointFiring outer = EnterTracepoint(tp);
	for (int i = 0; i < tp->nr_probes; i++)
		tp->probes[i](tp->data[i], arg0, arg1);
	tp->rtfuzz_depth = outer.depth;
	tp->rtfuzz_context = outer.context;
	tp->rtfuzz_serial = outer.serial;
}
template <typename T>
inline unsigned long TraceArg(T v)
{
	if constexpr (std::is_pointer_v<T>)
		return reinterpret_cast<unsigned long>(v);
	else
		return static_cast<unsigned long>(v);
}
}  // namespace rtfuzz::kapi::internal

#define DEFINE_TRACEPOINT(name)							\
	struct tracepoint __tracepoint_##name = { #name, 0, {}, {}, 0, 0, 0 };	\
	RTFUZZ_TRACE_FUNCTION(name)

#define DECLARE_TRACEPOINT(name)						\
	extern struct tracepoint __tracepoint_##name;				\
	RTFUZZ_TRACE_FUNCTION(name)

#define RTFUZZ_TRACE_FUNCTION(name)						\
	template <typename A = unsigned long, typename B = unsigned long>	\
	static inline void trace_##name(A a = 0, B b = 0)			\
	{									\
		rtfuzz::kapi::internal::FireTracepoint(				\
			&__tracepoint_##name,					\
			rtfuzz::kapi::internal::TraceArg(a),			\
			rtfuzz::kapi::internal::TraceArg(b));			\
	}

#endif /* RTFUZZ_KAPI_LINUX_TRACEPOINT_H_ */
