/* targets/context_tracking/context_tracking.cc: the state word, the
 * entry/exit transitions, ct_set_cpu_work() in every version and the
 * text_poke protocol of context_tracking.h. */

#include "context_tracking.h"

#include <string>

#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/context.h"

#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/smp.h>

ct_variant ct_cfg;
struct context_tracking ct_percpu[CT_MAX_CPUS];
struct ct_ghost_state ct_ghost;
static int kernel_text;	/* the patchable instruction, as a word */

/* `what` is the signature's (the same for every CPU); `detail` names them. */
static void broken(const char *what, const char *site, const std::string &detail)
{
	rtfuzz::check::Invariant(false, what, site, detail);
}

void ct_reset(const ct_variant &v, unsigned long isolated)
{
	ct_cfg = v;
	for (int cpu = 0; cpu < CT_MAX_CPUS; cpu++) {
		ct_percpu[cpu].active = (isolated >> cpu) & 1;
		/* In the kernel, watching: counter 1, state KERNEL. */
		atomic_set(&ct_percpu[cpu].state, CT_RCU_WATCHING | CT_STATE_KERNEL);
		atomic_set(&ct_percpu[cpu].work, CT_WORK_DISABLED);
	}
	ct_ghost = {};
	for (int cpu = 0; cpu < CT_MAX_CPUS; cpu++)
		ct_ghost.in_kernel[cpu] = true;
	kernel_text = 0;
}

/* do_sync_core() or the entry flush: the CPU serialized against every
 * poke written so far. */
static void ct_serve(int cpu)
{
	ct_ghost.serialized_gen[cpu] = ct_ghost.text_gen;
}

static void do_sync_core(void *)
{
	const int cpu = smp_processor_id();
	if (ct_percpu[cpu].active)
		ct_ghost.ipis_to_isolated++;
	ct_serve(cpu);
}

/* ct_work_flush(): the arch work the entry owes. */
static void ct_work_flush(int cpu, unsigned int work)
{
	if (ct_cfg.entry_skips_flush)
		return;	/* planted: the entry forgets the deferred work */
	if (work & CT_WORK_SYNC) {
		ct_ghost.flushes++;
		ct_serve(cpu);
	}
}

bool ct_in_user(void)
{
	return !ct_ghost.in_kernel[smp_processor_id()];
}

void ct_user_exit(void)
{
	const int cpu = smp_processor_id();
	struct context_tracking *ct = &ct_percpu[cpu];

	/* The model's notes are made in the step of the RMW that takes the
	 * work (nothing runs between them and its effect). */
	ct_ghost.in_kernel[cpu] = true;
	ct_ghost.work_unflushed[cpu] = false;
	if (ct_cfg.version == ct_version::v1) {
		const int w = atomic_fetch_or(CT_WORK_DISABLED, &ct->work);
		atomic_add_return(CT_RCU_WATCHING - CT_STATE_USER, &ct->state);
		ct_work_flush(cpu, static_cast<unsigned int>(w) & ~CT_WORK_DISABLED);
		return;
	}
	/* One full-barrier RMW: watching := 1, state := KERNEL. */
	const int seq = atomic_add_return(CT_RCU_WATCHING - CT_STATE_USER, &ct->state);
	ct_work_flush(cpu, static_cast<unsigned int>(seq) & CT_WORK_MASK);
}

void ct_user_enter(void)
{
	const int cpu = smp_processor_id();
	struct context_tracking *ct = &ct_percpu[cpu];

	if (ct_cfg.version == ct_version::v1) {
		atomic_add_return(CT_RCU_WATCHING + CT_STATE_USER, &ct->state);
		ct_ghost.in_kernel[cpu] = false;
		atomic_set(&ct->work, 0);	/* accept work again */
		return;
	}
	/* Clear the work bits and leave: watching := 0, state := USER. */
	int old = atomic_read(&ct->state);
	for (;;) {
		const int nw = (old & ~CT_WORK_MASK) + CT_RCU_WATCHING + CT_STATE_USER;
		if (ct->state.counter == old) {
			/* This attempt succeeds (same step as its effect). CT-I4:
			 * work set during this kernel stay, never run, is dropped. */
			if ((old & CT_WORK_MASK) && ct_ghost.work_unflushed[cpu])
				broken("CT-I4: a CPU left the kernel clearing a deferred "
				       "sync_core that never ran (the work was set while it "
				       "executed kernel code)",
				       "ct_kernel_exit_state", "CPU" + std::to_string(cpu));
			ct_ghost.in_kernel[cpu] = false;
		}
		if (atomic_try_cmpxchg(&ct->state, &old, nw))
			break;
	}
}

/*
 * The sender's cmpxchg on the target's word, with the model's note that a
 * deferral is outstanding made in the same step: the machine runs nothing
 * between the plain comparison and the RMW's effect (its point follows the
 * effect), so the note is exact. Simulator-only bookkeeping, as the target.
 */
static bool ct_try_set_work(atomic_t *v, int cpu, int *old, int work)
{
	if (v->counter == *old)
		ct_ghost.work_unflushed[cpu] = true;
	return atomic_try_cmpxchg(v, old, *old | work);
}

bool ct_set_cpu_work(int cpu, unsigned int work)
{
	struct context_tracking *ct = &ct_percpu[cpu];
	bool ok = false;
	int old = 0;

	if (ct_cfg.version == ct_version::ipi_always || !ct->active)
		return false;
	preempt_disable();
	switch (ct_cfg.version) {
	case ct_version::v1:
		old = atomic_read(&ct->work);
		while (!(old & CT_WORK_DISABLED) && !ok)
			ok = ct_try_set_work(&ct->work, cpu, &old, static_cast<int>(work));
		break;
	case ct_version::v3:
		old = atomic_read(&ct->state);	/* the raw read: the flaw */
		do {
			ok = ct_try_set_work(&ct->state, cpu, &old, static_cast<int>(work));
		} while (!ok && (old & CT_STATE_MASK) != CT_STATE_KERNEL);
		break;
	case ct_version::v5:
	case ct_version::v7:
		old = atomic_read(&ct->state);
		if (ct_cfg.version == ct_version::v5)
			old |= CT_RCU_WATCHING;		/* expects "watching": the flaw */
		else
			old &= ~CT_RCU_WATCHING;	/* expects "not watching" */
		do {
			ok = ct_try_set_work(&ct->state, cpu, &old, static_cast<int>(work));
		} while (!ok && !(old & CT_RCU_WATCHING));
		if (!ok && ct_cfg.r2_visible_bit_defers && (old & static_cast<int>(work)))
			ok = true;	/* planted: someone else's bit taken as ours */
		break;
	case ct_version::ipi_always:
		break;
	}
	/* CT-I1, at the linearization point: a deferral only to a CPU outside
	 * the kernel, which runs it at its next entry. `old` is the gating
	 * word's value there: the one a successful cmpxchg replaced (or, for
	 * the planted sender, the one its last cmpxchg failed on). RFC v1
	 * gates on ct->work, whose DISABLED bit is "in the kernel"; later
	 * versions on ct->state's RCU-watching bit. */
	const int in_kernel_bit =
		ct_cfg.version == ct_version::v1 ? CT_WORK_DISABLED : CT_RCU_WATCHING;
	if (ok && (old & in_kernel_bit))
		broken("CT-I1: sync_core deferred to a CPU that executes kernel code (no IPI "
		       "is sent and it never serializes)",
		       "ct_set_cpu_work",
		       "to CPU" + std::to_string(cpu) + " by CPU" +
			       std::to_string(smp_processor_id()));
	if (ok)
		ct_ghost.deferred++;
	preempt_enable();
	return ok;
}

void ct_execute_kernel_text(void)
{
	const int cpu = smp_processor_id();
	(void)READ_ONCE(kernel_text);
	if (ct_ghost.serialized_gen[cpu] < ct_ghost.completed_gen)
		broken("CT-I5: a CPU executes kernel text that a completed text_poke changed, "
		       "without having serialized since",
		       "kernel text",
		       "CPU" + std::to_string(cpu) + ", poke generation " +
			       std::to_string(ct_ghost.completed_gen) + ", last sync generation " +
			       std::to_string(ct_ghost.serialized_gen[cpu]));
}

static bool do_sync_core_defer_cond(int cpu, void *)
{
	return !ct_set_cpu_work(cpu, CT_WORK_SYNC);
}

void smp_text_poke_batch_finish(void)
{
	WRITE_ONCE(kernel_text, kernel_text + 1);
	const int gen = ++ct_ghost.text_gen;
	on_each_cpu_cond(do_sync_core_defer_cond, do_sync_core, nullptr, 1);
	if (gen > ct_ghost.completed_gen)
		ct_ghost.completed_gen = gen;
}
