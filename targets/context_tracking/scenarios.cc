// targets/context_tracking/scenarios.cc: the scenario of scenarios.h.

#include "scenarios.h"

#include <string>

#include "context_tracking.h"
#include "rtfuzz/base/check.h"
#include "rtfuzz/rt/context.h"

#include <asm/processor.h>
#include <linux/percpu.h>
#include <linux/timekeeping.h>

namespace rtfuzz::targets::context_tracking {
namespace {

constexpr int kCpus = 3;
constexpr int kIsolatedCpu = 2;
constexpr int kSenders = 2;
constexpr int kPokesPerSender = kPokesPerExecution / kSenders;
constexpr int kSyscalls = 3;

constexpr rt::MarkId kProgressMark = 0;

// Per CPU: the current hardirq entered the kernel from user mode.
bool irq_from_user[kCpus];

// User mode for `ns`: user code, no kernel text; interrupts may land.
void RunUser(uint64_t ns)
{
	const uint64_t end = ktime_get_mono_fast_ns() + ns;
	while (ktime_get_mono_fast_ns() < end)
		cpu_relax();
}

void IsolatedTask()
{
	ct_user_enter();  // Back to the user program the task runs.
	for (int i = 0; i < kSyscalls; i++) {
		RunUser(rt::Choose(8) * 250);
		ct_user_exit();  // The system call.
		ct_execute_kernel_text();
		ct_execute_kernel_text();
		ct_user_enter();
		rt::Progress(kProgressMark);
	}
	ct_user_exit();  // exit(): in the kernel to the end.
	ct_execute_kernel_text();
}

void SenderTask()
{
	for (int i = 0; i < kPokesPerSender; i++) {
		rt::SleepFor(rt::Choose(8) * 250);  // 0..1.75 us: anywhere in a syscall or user run
		smp_text_poke_batch_finish();
		rt::Progress(kProgressMark);
	}
}

}  // namespace

const std::vector<std::string_view>& ScenarioNames()
{
	static const std::vector<std::string_view> names = {"text-poke"};
	return names;
}

rt::Scenario MakeScenario(std::string_view name, const ct_variant& v)
{
	RTFUZZ_CHECK(name == "text-poke", "a context_tracking scenario from ScenarioNames()");
	rt::Scenario s("text-poke", kCpus);
	s.IsolateCpu(kIsolatedCpu);
	// Noise: without deferral CPU2 gets one sync_core IPI per poke (the
	// ipi-always baseline); a deferring version may only send fewer. Its
	// other interrupts are those IPIs.
	s.budgets().isolated_ipis = kPokesPerExecution;
	s.budgets().isolated_interrupts = kPokesPerExecution;
	s.budgets().isolated_stolen_ns = UINT64_MAX;  // Not what this scenario judges.
	// No progress: a mark at the end of every system call and every poke.
	// Each step between them takes at most a few us of virtual time (user
	// runs and sender delays <= 1.75 us, a poke's IPI wait a few dozen
	// points of 10 ns); 100 us is over 50 times the longest.
	s.budgets().progress_ns = 100 * NSEC_PER_USEC;
	const rt::MarkId mark = s.AddMark("system call or poke done");
	RTFUZZ_CHECK(mark == kProgressMark, "the scenario's first mark");
	s.OnReset([v] {
		ct_reset(v, 1UL << kIsolatedCpu);
		for (bool& b : irq_from_user)
			b = false;
	});
	// irqentry_enter()/irqentry_exit() of an interrupt that arrives in user
	// mode: enter_from_user_mode() (ct_user_exit) and back.
	s.OnHardirqEntry([] {
		const int cpu = smp_processor_id();
		irq_from_user[cpu] = ct_percpu[cpu].active && ct_in_user();
		if (irq_from_user[cpu])
			ct_user_exit();
	});
	s.OnHardirqExit([] {
		const int cpu = smp_processor_id();
		if (irq_from_user[cpu]) {
			irq_from_user[cpu] = false;
			ct_user_enter();
		}
	});
	for (int cpu = 0; cpu < kSenders; cpu++) {
		s.AddTask({.name = "poke" + std::to_string(cpu), .affinity = rt::Cpu(cpu),
			   .body = [] { SenderTask(); }});
	}
	s.AddTask({.name = "isolated", .affinity = rt::Cpu(kIsolatedCpu),
		   .body = [] { IsolatedTask(); }});
	s.AddEndCheck("every poke completed", [] {
		return ct_ghost.completed_gen == kPokesPerExecution;
	});
	return s;
}

}  // namespace rtfuzz::targets::context_tracking
