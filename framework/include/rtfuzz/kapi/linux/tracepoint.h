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
 * Not modeled: trace event formats, RCU-protected probe updates, static keys.
 */
#ifndef RTFUZZ_KAPI_LINUX_TRACEPOINT_H_
#define RTFUZZ_KAPI_LINUX_TRACEPOINT_H_

#include "rtfuzz/kapi/internal/kapi.h"

#define TRACEPOINT_MAX_PROBES 4

typedef void (*tracepoint_probe_t)(void *data, unsigned long arg0, unsigned long arg1);

struct tracepoint {
	const char *name;
	int nr_probes;
	tracepoint_probe_t probes[TRACEPOINT_MAX_PROBES];
	void *data[TRACEPOINT_MAX_PROBES];
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
inline void FireTracepoint(struct tracepoint *tp, unsigned long arg0, unsigned long arg1)
{
	rt::Point(UserOp(kOpTracepoint), 0, static_cast<uint64_t>(tp->nr_probes), 0);
	for (int i = 0; i < tp->nr_probes; i++)
		tp->probes[i](tp->data[i], arg0, arg1);
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
	struct tracepoint __tracepoint_##name = { #name, 0, {}, {} };		\
	template <typename A = unsigned long, typename B = unsigned long>	\
	static inline void trace_##name(A a = 0, B b = 0)			\
	{									\
		rtfuzz::kapi::internal::FireTracepoint(				\
			&__tracepoint_##name,					\
			rtfuzz::kapi::internal::TraceArg(a),			\
			rtfuzz::kapi::internal::TraceArg(b));			\
	}

#endif /* RTFUZZ_KAPI_LINUX_TRACEPOINT_H_ */
