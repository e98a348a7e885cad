// targets/rcu/scenarios.cc: the scenarios of scenarios.h.

#include "scenarios.h"

#include <string>

#include "rtfuzz/base/check.h"
#include "rtfuzz/rt/context.h"
#include "tree.h"

#include <asm/processor.h>
#include <linux/compiler.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/tick.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>

DEFINE_TRACEPOINT(tick_stop)

namespace rtfuzz::targets::rcu {
namespace {

constexpr int kCpus = 2;
constexpr int kReaderCpu = 0;
constexpr int kHousekeepingCpu = 1;
constexpr uint64_t kTickNs = NSEC_PER_MSEC;  // HZ=1000
// After its rounds the reader stays in the kernel, outside every section,
// longer than the oracle's budget (below), so a QS nothing reports is seen
// while the CPU still runs.
constexpr uint64_t kTailNs = 5 * NSEC_PER_MSEC;

constexpr rt::MarkId kProgressMark = 0;

int shared_data;
raw_spinlock_t rq_lock;  // The scheduler's runqueue lock, for `notrace`.

enum class Reader { kNormal, kNotrace };

void Lock(Reader r) { r == Reader::kNotrace ? rcu_read_lock_notrace() : rcu_read_lock(); }
void Unlock(Reader r) { r == Reader::kNotrace ? rcu_read_unlock_notrace() : rcu_read_unlock(); }

// A BPF program or tracer callback: one short reader.
void ProgramReader(Reader r)
{
	Lock(r);
	(void)READ_ONCE(shared_data);
	Unlock(r);
}

struct ReaderShape {
	Reader reader = Reader::kNormal;
	bool preempt_point_inside = false;  // lazy-reinit: preemptible sections
	bool rq_lock_rounds = false;        // notrace: every other round under rq_lock
	bool every_unlock_irqs_off = false; // lazy-reinit: every round defers
	// Enough rounds to span the GP requests' chosen delays (0..1.5 us each):
	// 16 rounds took 3.2 us of virtual time in the irq-work-reinit
	// reproducer replayed under fixed (`rtfuzz replay ... --swimlane_rows=400`,
	// the reader's progress marks), about 200 ns a round.
	int rounds = 4;
};

void ReaderTask(ReaderShape shape)
{
	const int cpu = smp_processor_id();
	for (int round = 0; round < shape.rounds; round++) {
		const bool irqs_off_unlock = shape.every_unlock_irqs_off || round % 2 == 1;
		const bool under_rq_lock = shape.rq_lock_rounds && round % 2 == 0;
		unsigned long flags = 0;
		if (under_rq_lock) {
			raw_spin_lock_irqsave(&rq_lock, flags);
			rcu_rq_lock_held |= 1UL << cpu;
		}
		Lock(shape.reader);
		(void)READ_ONCE(shared_data);
		if (shape.preempt_point_inside) {
			preempt_disable();
			preempt_enable();  // Preempted here if the tick asked.
		}
		(void)READ_ONCE(shared_data);
		if (irqs_off_unlock && !under_rq_lock) {
			unsigned long f;
			local_irq_save(f);
			Unlock(shape.reader);
			local_irq_restore(f);
		} else {
			Unlock(shape.reader);
		}
		if (under_rq_lock) {
			rcu_rq_lock_held &= ~(1UL << cpu);
			raw_spin_unlock_irqrestore(&rq_lock, flags);
		}
		cond_resched();
		rt::Progress(kProgressMark);
	}
	const uint64_t end = ktime_get_mono_fast_ns() + kTailNs;
	while (ktime_get_mono_fast_ns() < end) {
		cond_resched();
		cpu_relax();
		rt::Progress(kProgressMark);
	}
	rcu_idle_enter();
}

// The housekeeping CPU's requests: `gps` expedited GPs back to back, each
// after a chosen delay, then (with `normal_too`) a normal one.
void GpTask(int gps, bool normal_too)
{
	for (int i = 0; i < gps; i++) {
		rt::SleepFor(rt::Choose(16) * 100);  // 0..1.5 us: anywhere in the rounds
		synchronize_rcu_expedited();
		rt::Progress(kProgressMark);
	}
	if (normal_too) {
		synchronize_rcu();
		rt::Progress(kProgressMark);
	}
}

struct Shape {
	bool reader_isolated = true;   // CPU0 nohz_full: no tick there
	bool tick_stop_hook = false;   // tick-stop
	bool device_irq = false;       // softirq-raise: a hardirq reader
	bool unwinder_probe = false;   // a reader on softirq_raise
	bool lazy_arch = false;        // no irq_work interrupt
	bool nmi_reader = false;       // notrace
	ReaderShape reader;
	int gps = 2;
	bool normal_too = false;
};

// What the oracles hold every scenario to.
void SetBudgets(rt::Scenario& s, const Shape& shape)
{
	rt::OracleBudgets& b = s.budgets();
	// The isolated reader CPU: nothing but the expedited GP sends it an
	// IPI, one per expedited GP. Its own interrupts (self-IPIs of the
	// deferred-QS irq_work, the device interrupt, the NMI) are judged by
	// the interrupt-recursion stall instead: a count bound would report
	// seed 004's deadloop as noise before it shows as a CPU that never
	// returns to its task.
	b.isolated_ipis = static_cast<uint32_t>(shape.gps);
	b.isolated_interrupts = UINT32_MAX;
	b.isolated_stolen_ns = UINT64_MAX;
	// The grace-period oracle: a CPU outside every section owes its QS to
	// the first of its next unlock's special path (immediate), its next
	// context switch (the reader's cond_resched() follows each section
	// within a few us), its tick (1 ms, on CPUs that tick) or the
	// expedited IPI (immediate). Two tick periods cover every path; the
	// reader's 5 ms tail is longer, so a QS never reported is seen.
	rcu_gp_stall_ns = 2 * kTickNs;
	// The interrupt-recursion stall keeps the machine's default (256 in a
	// row): a self-IPI loop exceeds it within microseconds, and no
	// scenario here raises more than a handful of interrupts per point.
	//
	// No progress: a mark comes at the end of every reader round (a few
	// us), every iteration of its tail loop (the warp overshoots a
	// spinner's next clock check by at most 1/8 of the spinning so far,
	// <= 5 ms / 8 = 625 us; docs/architecture.md#time-warp) and every GP
	// completed (an expedited one at its last report, a normal one within
	// one tick, 1 ms, of its start once the reader idles). 4 ms covers the
	// longest, 1 ms + 625 us, with room; a GP that never ends is reported
	// first by the grace-period oracle (2 ms), which names the cause.
	b.progress_ns = 4 * kTickNs;
	const rt::MarkId mark = s.AddMark("reader round, tail step or grace period done");
	RTFUZZ_CHECK(mark == kProgressMark, "the scenario's first mark");
}

rt::Scenario Build(const char* name, const rcu_variant& v, const Shape& shape)
{
	rt::Scenario s(name, kCpus);
	SetBudgets(s, shape);
	s.SetPreemptRt(true);
	if (shape.reader_isolated)
		s.IsolateCpu(kReaderCpu);

	const rt::HandlerId softirq =
		s.AddInterrupt({.name = "RCU_SOFTIRQ", .kind = rt::ContextKind::kSoftirq,
				.cpus = rt::AllCpus(kCpus), .handler = [] { rcu_core(); }});
	const rt::CpuMask ticking =
		shape.reader_isolated ? rt::Cpu(kHousekeepingCpu) : rt::AllCpus(kCpus);
	s.AddTimer({.name = "tick", .cpus = ticking, .first_ns = kTickNs, .every_ns = kTickNs,
		    .hard = true, .callback = [] {
			    rcu_sched_clock_irq();
			    irq_work_tick();
			    if (smp_processor_id() == kHousekeepingCpu)
				    rcu_gp_check_stall();
		    }});
	s.OnReset([v, shape, softirq] {
		rcu_reset(v, kCpus);
		shared_data = 0;
		raw_spin_lock_init(&rq_lock);
		irq_work_set_arch_has_interrupt(!shape.lazy_arch);
		rtfuzz_open_softirq(RCU_SOFTIRQ, softirq);
		__tracepoint_tick_stop.nr_probes = 0;
		__tracepoint_softirq_raise.nr_probes = 0;
		if (shape.tick_stop_hook)
			tracepoint_probe_register(&__tracepoint_tick_stop,
						  [](void*, unsigned long, unsigned long) {
							  ProgramReader(Reader::kNormal);
						  },
						  nullptr);
		if (shape.unwinder_probe) {
			const Reader r = shape.reader.reader;
			tracepoint_probe_register(
				&__tracepoint_softirq_raise,
				r == Reader::kNotrace
					? [](void*, unsigned long, unsigned long) { ProgramReader(Reader::kNotrace); }
					: [](void*, unsigned long, unsigned long) { ProgramReader(Reader::kNormal); },
				nullptr);
		}
	});
	if (shape.tick_stop_hook) {
		// __irq_exit_rcu() -> tick_irq_exit() -> tick_nohz_irq_exit() on a
		// nohz_full CPU -> tick_nohz_stop_sched_tick() -> trace_tick_stop().
		s.OnHardirqExit([] {
			if (tick_nohz_full_cpu(smp_processor_id()))
				trace_tick_stop(1, 0);
		});
	}
	if (shape.device_irq) {
		s.AddInterrupt({.name = "dev", .kind = rt::ContextKind::kHardirq,
				.cpus = rt::Cpu(kReaderCpu),
				.trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 48, 3),
				.handler = [] { ProgramReader(Reader::kNormal); }});
	}
	if (shape.nmi_reader) {
		s.AddInterrupt({.name = "perf", .kind = rt::ContextKind::kNmi,
				.cpus = rt::Cpu(kReaderCpu),
				.trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 48, 2),
				.handler = [] { ProgramReader(Reader::kNotrace); }});
	}
	const ReaderShape reader = shape.reader;
	s.AddTask({.name = "reader", .affinity = rt::Cpu(kReaderCpu), .policy = rt::Policy::kFifo,
		   .rt_priority = 10, .body = [reader] { ReaderTask(reader); }});
	const int gps = shape.gps;
	const bool normal_too = shape.normal_too;
	s.AddTask({.name = "gp", .affinity = rt::Cpu(kHousekeepingCpu),
		   .policy = rt::Policy::kFifo, .rt_priority = 10,
		   .body = [gps, normal_too] { GpTask(gps, normal_too); }});
	s.AddEndCheck("every grace period requested completed", [gps, normal_too] {
		return rcu_stats.exp_gps == gps && rcu_stats.gps == (normal_too ? 1 : 0);
	});
	s.AddEndCheck("NMI-safe: no deferral work started from an NMI (spec 3.5 req. 1)",
		      [] { return rcu_stats.deferrals_in_nmi == 0; });
	s.AddEndCheck("no QS reported with the runqueue lock held (spec 3.5 req. 3)",
		      [] { return rcu_stats.irqrestore_under_rq_lock == 0; });
	return s;
}

}  // namespace

const std::vector<std::string_view>& ScenarioNames()
{
	static const std::vector<std::string_view> names = {"tick-stop", "softirq-raise",
							    "lazy-reinit", "notrace"};
	return names;
}

rt::Scenario MakeScenario(std::string_view name, const rcu_variant& v)
{
	Shape shape;
	if (name == "tick-stop") {
		shape.tick_stop_hook = true;
		return Build("tick-stop", v, shape);
	}
	if (name == "softirq-raise") {
		shape.device_irq = true;
		shape.unwinder_probe = true;
		return Build("softirq-raise", v, shape);
	}
	if (name == "lazy-reinit") {
		shape.reader_isolated = false;
		shape.lazy_arch = true;
		shape.reader.preempt_point_inside = true;
		shape.reader.every_unlock_irqs_off = true;
		shape.reader.rounds = 16;  // three GPs back to back: about 3 us
		shape.gps = 3;
		shape.normal_too = true;
		return Build("lazy-reinit", v, shape);
	}
	RTFUZZ_CHECK(name == "notrace", "an rcu scenario name from ScenarioNames()");
	shape.nmi_reader = true;
	shape.unwinder_probe = true;
	shape.reader.reader = Reader::kNotrace;
	shape.reader.rq_lock_rounds = true;
	return Build("notrace", v, shape);
}

}  // namespace rtfuzz::targets::rcu
