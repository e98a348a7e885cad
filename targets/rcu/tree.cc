/* targets/rcu/tree.cc: the read side, the deferred-QS path and the
 * grace-period engine of tree.h. */

#include "tree.h"

#include <string>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/context.h"

#include <asm/processor.h>
#include <linux/compiler.h>
#include <linux/interrupt.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>

rcu_variant rcu_cfg;
struct rcu_node rcu_node;
struct rcu_data rcu_data[RCU_MAX_CPUS];
struct rcu_task rcu_tasks[RCU_MAX_CPUS];
struct rcu_stats rcu_stats;
unsigned long rcu_rq_lock_held;
u64 rcu_gp_stall_ns;

static int rcu_nr_cpus;

static void rcu_preempt_deferred_qs_handler(struct irq_work *iwp);

/* `current`'s RCU fields: one task per CPU (tree.h). */
static struct rcu_task *rcu_current(void)
{
	return &rcu_tasks[smp_processor_id()];
}

static unsigned long cpu_bit(int cpu)
{
	return 1UL << cpu;
}

void rcu_reset(const rcu_variant &v, int nr_cpus)
{
	rcu_cfg = v;
	rcu_nr_cpus = nr_cpus;
	raw_spin_lock_init(&rcu_node.lock);
	rcu_node.qsmask = rcu_node.expmask = 0;
	rcu_node.blkd_tasks = rcu_node.gp_tasks = rcu_node.exp_tasks = 0;
	for (int cpu = 0; cpu < RCU_MAX_CPUS; cpu++) {
		rcu_tasks[cpu] = rcu_task{};
		rcu_data[cpu].cpu_no_qs.norm = rcu_data[cpu].cpu_no_qs.exp = false;
		rcu_data[cpu].defer_qs_pending = DEFER_QS_IDLE;
		rcu_data[cpu].qs_owed_since = 0;
		/* rcutree_prepare_cpu(): from 61399e0c5410 on the only
		 * initialisation; earlier versions also initialise it before
		 * every queue (rcu_read_unlock_special). */
		init_irq_work_flags(&rcu_data[cpu].defer_qs_iw, rcu_preempt_deferred_qs_handler,
				    IRQ_WORK_HARD_IRQ);
	}
	rcu_stats = {};
	rcu_rq_lock_held = 0;
	sched_set_switch_hook(rcu_note_context_switch);
}

/* --- The grace-period oracle's bookkeeping --- */

/* Whether CPU `cpu` (or its blocked task) still owes a GP a QS. */
/* Oracle bookkeeping reads plainly: no scheduling point, so the oracle
 * neither adds interleavings nor sees a state change halfway. */
static bool rcu_cpu_owes_qs(int cpu)
{
	const unsigned long bit = cpu_bit(cpu);
	return ((rcu_node.qsmask | rcu_node.expmask | rcu_node.gp_tasks | rcu_node.exp_tasks) &
		bit) != 0;
}

/* Called where the CPU's task is outside every section: starts the clock
 * (`restart`: a new GP starts it again). */
static void rcu_note_outside(int cpu, bool restart = false)
{
	struct rcu_data *rdp = &rcu_data[cpu];
	if ((restart || rdp->qs_owed_since == 0) && rcu_cpu_owes_qs(cpu))
		rdp->qs_owed_since = ktime_get_mono_fast_ns() | 1;
}

/* After a report: the clock stops once the CPU owes nothing. */
static void rcu_note_reported(int cpu)
{
	if (!rcu_cpu_owes_qs(cpu))
		rcu_data[cpu].qs_owed_since = 0;
}

void rcu_gp_check_stall(void)
{
	const u64 now = ktime_get_mono_fast_ns();
	for (int cpu = 0; cpu < rcu_nr_cpus; cpu++) {
		struct rcu_data *rdp = &rcu_data[cpu];
		if (rdp->qs_owed_since == 0)
			continue;
		if (!rcu_cpu_owes_qs(cpu)) {
			rdp->qs_owed_since = 0;
			continue;
		}
		if (now - rdp->qs_owed_since <= rcu_gp_stall_ns)
			continue;
		const unsigned long bit = cpu_bit(cpu);
		std::string gp;
		if ((rcu_node.expmask | rcu_node.exp_tasks) & bit)
			gp = "the expedited grace period";
		else
			gp = "the grace period";
		rtfuzz::rt::Report(
			rtfuzz::Verdict::kStall,
			"RCU grace-period stall: CPU" + std::to_string(cpu) +
				"'s task left its last read-side critical section " +
				std::to_string((now - rdp->qs_owed_since) / 1000) +
				" us ago and " + gp + " still waits for its quiescent state" +
				" (qsmask=" + std::to_string(rcu_node.qsmask) +
				" gp_tasks=" + std::to_string(rcu_node.gp_tasks) +
				" expmask=" + std::to_string(rcu_node.expmask) +
				" exp_tasks=" + std::to_string(rcu_node.exp_tasks) +
				" special=" + std::to_string(rcu_tasks[cpu].rcu_read_unlock_special.s) +
				", cpu_no_qs.norm=" + std::to_string(rdp->cpu_no_qs.norm) +
				", cpu_no_qs.exp=" + std::to_string(rdp->cpu_no_qs.exp) +
				", defer_qs_pending=" + std::to_string(rdp->defer_qs_pending) +
				"; budget " + std::to_string(rcu_gp_stall_ns / 1000) + " us)");
	}
}

/* A GP started: the oracle's clock restarts for every other CPU outside a
 * section (the requester reports its own QS itself). */
static void rcu_gp_started(int self)
{
	for (int cpu = 0; cpu < rcu_nr_cpus; cpu++) {
		if (cpu != self && rcu_tasks[cpu].rcu_read_lock_nesting == 0)
			rcu_note_outside(cpu, true);
	}
}

/* --- Reports --- */

/* rcu_qs(): this CPU passed a QS for the normal GP. */
static void rcu_qs(void)
{
	const int cpu = smp_processor_id();
	struct rcu_data *rdp = &rcu_data[cpu];
	if (!READ_ONCE(rdp->cpu_no_qs.norm))
		return;
	unsigned long flags;
	raw_spin_lock_irqsave(&rcu_node.lock, flags);
	WRITE_ONCE(rdp->cpu_no_qs.norm, false);
	WRITE_ONCE(rcu_node.qsmask, rcu_node.qsmask & ~cpu_bit(cpu));
	raw_spin_unlock_irqrestore(&rcu_node.lock, flags);
	rcu_note_reported(cpu);
}

/* rcu_report_exp_rdp(): this CPU passed a QS for the expedited GP. */
static void rcu_report_exp_rdp(struct rcu_data *rdp)
{
	const int cpu = static_cast<int>(rdp - rcu_data);
	unsigned long flags;
	raw_spin_lock_irqsave(&rcu_node.lock, flags);
	WRITE_ONCE(rdp->cpu_no_qs.exp, false);
	WRITE_ONCE(rcu_node.expmask, rcu_node.expmask & ~cpu_bit(cpu));
	raw_spin_unlock_irqrestore(&rcu_node.lock, flags);
	rcu_note_reported(cpu);
}

/* --- The deferred-QS path --- */

static bool rcu_preempt_need_deferred_qs(struct rcu_task *t)
{
	const int cpu = smp_processor_id();
	return (READ_ONCE(rcu_data[cpu].cpu_no_qs.exp) ||
		READ_ONCE(t->rcu_read_unlock_special.s)) &&
	       t->rcu_read_lock_nesting <= 0;
}

/* Reports what t's special bits ask for; entered with interrupts off,
 * restores `flags`. */
static void rcu_preempt_deferred_qs_irqrestore(struct rcu_task *t, unsigned long flags)
{
	const int cpu = smp_processor_id();
	struct rcu_data *rdp = &rcu_data[cpu];

	if (rcu_rq_lock_held & cpu_bit(cpu))
		rcu_stats.irqrestore_under_rq_lock++;
	if (in_nmi())
		rcu_stats.deferrals_in_nmi++;
	/* b41642c87716: the only normal point where the request ends. */
	if (rcu_cfg.pending_flag_rule && READ_ONCE(rdp->defer_qs_pending) == DEFER_QS_PENDING)
		WRITE_ONCE(rdp->defer_qs_pending, DEFER_QS_IDLE);

	union rcu_special special;
	special.s = READ_ONCE(t->rcu_read_unlock_special.s);
	if (!special.s && !READ_ONCE(rdp->cpu_no_qs.exp)) {
		local_irq_restore(flags);
		return;
	}
	WRITE_ONCE(t->rcu_read_unlock_special.s, 0);
	if (rcu_cfg.no_qs_report) {
		/* Planted: the request is dropped, nothing is reported. */
		WRITE_ONCE(rdp->cpu_no_qs.exp, false);
		local_irq_restore(flags);
		return;
	}
	if (special.b.need_qs)
		rcu_qs();
	if (READ_ONCE(rdp->cpu_no_qs.exp))
		rcu_report_exp_rdp(rdp);
	if (special.b.blocked) {
		/* rcu_preempt_deferred_qs_irqrestore()'s dequeue from blkd_tasks. */
		raw_spin_lock(&rcu_node.lock);
		const unsigned long bit = cpu_bit(cpu);
		WRITE_ONCE(rcu_node.blkd_tasks, rcu_node.blkd_tasks & ~bit);
		WRITE_ONCE(rcu_node.gp_tasks, rcu_node.gp_tasks & ~bit);
		WRITE_ONCE(rcu_node.exp_tasks, rcu_node.exp_tasks & ~bit);
		raw_spin_unlock(&rcu_node.lock);
		rcu_note_reported(cpu);
	}
	local_irq_restore(flags);
}

static void rcu_preempt_deferred_qs(struct rcu_task *t)
{
	if (!rcu_preempt_need_deferred_qs(t))
		return;
	unsigned long flags;
	local_irq_save(flags);
	rcu_preempt_deferred_qs_irqrestore(t, flags);
}

/* The irq_work: it reports nothing; its return makes the interrupted
 * context see need_resched. */
static void rcu_preempt_deferred_qs_handler(struct irq_work *iwp)
{
	struct rcu_data *rdp = container_of(iwp, struct rcu_data, defer_qs_iw);
	unsigned long flags;

	local_irq_save(flags);
	if (!rcu_cfg.pending_flag_rule) {
		/* Before b41642c87716: "queued but not yet run" ends here. */
		WRITE_ONCE(rdp->defer_qs_pending, DEFER_QS_IDLE);
	} else if (rcu_preempt_depth() > 0) {
		/* Inside a new reader this work cannot help: let its unlock requeue. */
		WRITE_ONCE(rdp->defer_qs_pending, DEFER_QS_IDLE);
	}
	local_irq_restore(flags);
}

/* ct_in_irq(): context tracking says the CPU is inside an interrupt. */
static bool ct_in_irq(void)
{
	const rtfuzz::rt::ContextKind kind = rtfuzz::rt::CurrentContextKind();
	return kind == rtfuzz::rt::ContextKind::kHardirq || kind == rtfuzz::rt::ContextKind::kNmi;
}

static void rcu_read_unlock_special(struct rcu_task *t)
{
	const int cpu = smp_processor_id();
	struct rcu_data *rdp = &rcu_data[cpu];
	unsigned long flags;

	if (in_nmi())
		return;	/* The QS is picked up later (tick, context switch). */
	local_irq_save(flags);
	const bool irqs_were_disabled = irqs_disabled_flags(flags);
	const bool preempt_bh_were_disabled =
		(preempt_count() & (PREEMPT_MASK | SOFTIRQ_MASK)) != 0;
	if (preempt_bh_were_disabled || irqs_were_disabled) {
		const unsigned long bit = cpu_bit(cpu);
		const bool expboost =
			(READ_ONCE(t->rcu_read_unlock_special.b.blocked) &&
			 (READ_ONCE(rcu_node.exp_tasks) & bit)) ||
			(READ_ONCE(rcu_node.expmask) & bit);
		if (in_hardirq() || (expboost && !irqs_were_disabled)) {
			/* use_softirq (the default). */
			if (!rcu_cfg.softirq_uses_flag ||
			    READ_ONCE(rdp->defer_qs_pending) != DEFER_QS_PENDING) {
				if (rcu_cfg.softirq_uses_flag)
					WRITE_ONCE(rdp->defer_qs_pending, DEFER_QS_PENDING);
				if (in_nmi())
					rcu_stats.deferrals_in_nmi++;
				raise_softirq_irqoff(RCU_SOFTIRQ);
			}
		} else {
			set_tsk_need_resched(nullptr);
			set_preempt_need_resched();
			if (irqs_were_disabled && expboost &&
			    READ_ONCE(rdp->defer_qs_pending) != DEFER_QS_PENDING &&
			    !(rcu_cfg.ct_in_irq_skip && ct_in_irq())) {
				if (!rcu_cfg.init_iw_once)
					init_irq_work_flags(&rdp->defer_qs_iw,
							    rcu_preempt_deferred_qs_handler,
							    IRQ_WORK_HARD_IRQ);
				WRITE_ONCE(rdp->defer_qs_pending, DEFER_QS_PENDING);
				if (in_nmi())
					rcu_stats.deferrals_in_nmi++;
				irq_work_queue_on(&rdp->defer_qs_iw, cpu);
			}
		}
		local_irq_restore(flags);
		return;
	}
	rcu_preempt_deferred_qs_irqrestore(t, flags);
}

/* --- The read side --- */

int rcu_preempt_depth(void)
{
	return READ_ONCE(rcu_current()->rcu_read_lock_nesting);
}

void __rcu_read_lock(void)
{
	struct rcu_task *t = rcu_current();
	WRITE_ONCE(t->rcu_read_lock_nesting, t->rcu_read_lock_nesting + 1);
	rcu_data[smp_processor_id()].qs_owed_since = 0;
}

static void rcu_read_unlock_common(bool special_path)
{
	struct rcu_task *t = rcu_current();
	const int depth = t->rcu_read_lock_nesting - 1;
	WRITE_ONCE(t->rcu_read_lock_nesting, depth);
	if (depth != 0)
		return;
	if (special_path && READ_ONCE(t->rcu_read_unlock_special.s))
		rcu_read_unlock_special(t);
	if (rcu_current()->rcu_read_lock_nesting == 0)
		rcu_note_outside(smp_processor_id());
}

void __rcu_read_unlock(void)
{
	rcu_read_unlock_common(true);
}

void rcu_read_lock_notrace(void)
{
	__rcu_read_lock();
}

void rcu_read_unlock_notrace(void)
{
	rcu_read_unlock_common(!rcu_cfg.notrace_skips_special);
}

/* --- Expedited and normal grace periods --- */

/* The expedited GP's IPI (rcu_exp_handler, PREEMPT_RCU): a CPU outside
 * every section reports at once; inside one, the section's unlock must. */
static void rcu_exp_handler(void *)
{
	const int cpu = smp_processor_id();
	struct rcu_data *rdp = &rcu_data[cpu];
	struct rcu_task *t = rcu_current();

	if (t->idle || rcu_preempt_depth() == 0) {
		if (t->idle || !(preempt_count() & (PREEMPT_MASK | SOFTIRQ_MASK))) {
			rcu_report_exp_rdp(rdp);
		} else {
			WRITE_ONCE(rdp->cpu_no_qs.exp, true);
			set_tsk_need_resched(nullptr);
			set_preempt_need_resched();
			rcu_note_outside(cpu);
		}
		return;
	}
	WRITE_ONCE(rdp->cpu_no_qs.exp, true);
	WRITE_ONCE(t->rcu_read_unlock_special.b.exp_hint, 1);
}

void synchronize_rcu_expedited(void)
{
	const int self = smp_processor_id();
	unsigned long flags;

	raw_spin_lock_irqsave(&rcu_node.lock, flags);
	unsigned long mask = 0;
	for (int cpu = 0; cpu < rcu_nr_cpus; cpu++)
		mask |= cpu_bit(cpu);
	WRITE_ONCE(rcu_node.expmask, mask);
	/* Tasks already blocked in a section hold this GP too. */
	WRITE_ONCE(rcu_node.exp_tasks, rcu_node.blkd_tasks);
	raw_spin_unlock_irqrestore(&rcu_node.lock, flags);
	rcu_gp_started(self);

	for (int cpu = 0; cpu < rcu_nr_cpus; cpu++) {
		if (cpu == self)
			rcu_report_exp_rdp(&rcu_data[cpu]);	/* the caller is outside */
		else
			smp_call_function_single(cpu, rcu_exp_handler, nullptr, 0);
	}
	while (READ_ONCE(rcu_node.expmask) | READ_ONCE(rcu_node.exp_tasks))
		cpu_relax();
	rcu_stats.exp_gps++;
}

void synchronize_rcu(void)
{
	const int self = smp_processor_id();
	unsigned long flags;

	raw_spin_lock_irqsave(&rcu_node.lock, flags);
	unsigned long mask = 0;
	for (int cpu = 0; cpu < rcu_nr_cpus; cpu++) {
		if (rcu_tasks[cpu].idle)
			continue;	/* idle is an EQS: nothing to wait for */
		mask |= cpu_bit(cpu);
		WRITE_ONCE(rcu_data[cpu].cpu_no_qs.norm, true);
	}
	WRITE_ONCE(rcu_node.qsmask, mask);
	WRITE_ONCE(rcu_node.gp_tasks, rcu_node.blkd_tasks);
	raw_spin_unlock_irqrestore(&rcu_node.lock, flags);
	rcu_gp_started(self);
	rcu_qs();	/* the caller is outside every section */
	while (READ_ONCE(rcu_node.qsmask) | READ_ONCE(rcu_node.gp_tasks))
		cpu_relax();
	rcu_stats.gps++;
}

/* --- Report points --- */

void rcu_sched_clock_irq(void)
{
	struct rcu_task *t = rcu_current();
	if (t->idle) {
		rcu_qs();
		return;
	}
	if (rcu_preempt_depth() > 0 ||
	    (preempt_count() & (PREEMPT_MASK | SOFTIRQ_MASK))) {
		/* No QS now: force a context switch if one is deferred. */
		if (rcu_preempt_need_deferred_qs(t) ||
		    (rcu_preempt_depth() > 0 && READ_ONCE(rcu_data[smp_processor_id()].cpu_no_qs.exp))) {
			set_tsk_need_resched(nullptr);
			set_preempt_need_resched();
		}
	} else if (rcu_preempt_need_deferred_qs(t)) {
		rcu_preempt_deferred_qs(t);
	} else {
		rcu_qs();
	}
}

void rcu_note_context_switch(bool preempt)
{
	const int cpu = smp_processor_id();
	struct rcu_task *t = rcu_current();
	struct rcu_data *rdp = &rcu_data[cpu];

	if (preempt && t->rcu_read_lock_nesting > 0 &&
	    !READ_ONCE(t->rcu_read_unlock_special.b.blocked)) {
		/* Preempted in a section: queue on blkd_tasks (rcu_preempt_ctxt_queue). */
		const unsigned long bit = cpu_bit(cpu);
		raw_spin_lock(&rcu_node.lock);
		WRITE_ONCE(t->rcu_read_unlock_special.b.blocked, 1);
		WRITE_ONCE(rcu_node.blkd_tasks, rcu_node.blkd_tasks | bit);
		if (rcu_node.qsmask & bit)
			WRITE_ONCE(rcu_node.gp_tasks, rcu_node.gp_tasks | bit);
		if (rcu_node.expmask & bit)
			WRITE_ONCE(rcu_node.exp_tasks, rcu_node.exp_tasks | bit);
		raw_spin_unlock(&rcu_node.lock);
	} else if (rcu_preempt_need_deferred_qs(t)) {
		rcu_preempt_deferred_qs(t);
	}
	rcu_qs();
	if (READ_ONCE(rdp->cpu_no_qs.exp))
		rcu_report_exp_rdp(rdp);
}

void rcu_idle_enter(void)
{
	struct rcu_task *t = rcu_current();
	unsigned long flags;

	local_irq_save(flags);
	t->idle = true;
	local_irq_restore(flags);
	rcu_note_context_switch(false);	/* the switch to the idle task */
}

void rcu_core(void)
{
	struct rcu_task *t = rcu_current();
	/* rcu_core(): report a deferred QS if the interrupted task is outside. */
	if (!t->idle && rcu_preempt_depth() == 0 && !(preempt_count() & PREEMPT_MASK))
		rcu_preempt_deferred_qs(t);
}
