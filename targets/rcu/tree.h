/* targets/rcu/tree.h
 *
 * PREEMPT_RCU's read side and a grace-period engine small enough to reason
 * about, modeled from ../shared/spec/kernel-mechanisms.md section 3 with
 * the kernel's names (kernel/rcu/tree_plugin.h, tree_exp.h), every version
 * of the deferred-QS path switchable at run time (variant.h).
 *
 *   per task    rcu_read_lock_nesting, rcu_read_unlock_special
 *               {blocked, need_qs, exp_hint}; one task per CPU, so
 *               `current` in an interrupt is that CPU's task
 *   per CPU     rcu_data: cpu_no_qs {norm, exp}, defer_qs_iw (a hard
 *               irq_work), defer_qs_pending (IDLE/PENDING)
 *   one leaf    rcu_node: qsmask, expmask, blkd_tasks and the tasks on it
 *               blocking the normal (gp_tasks) and expedited (exp_tasks) GP
 *
 * Report points: the unlock's special path, the deferred-QS irq_work's
 * return (need_resched -> the next __schedule()), rcu_note_context_switch()
 * (kapi's sched_set_switch_hook), the tick (rcu_sched_clock_irq) and the
 * idle entry of a CPU whose task is done (an extended quiescent state).
 *
 * The grace-period oracle (rcu_gp_check_stall, from the housekeeping
 * CPU's tick): a CPU whose task left its last read-side critical section
 * while the CPU owed a QS must have it reported within rcu_gp_stall_ns; a
 * report names the CPU, the grace period and how long.
 */

#ifndef TARGETS_RCU_TREE_H_
#define TARGETS_RCU_TREE_H_

#include "variant.h"

#include <linux/irq_work.h>
#include <linux/kapi_types.h>
#include <linux/spinlock.h>

#define RCU_MAX_CPUS 4

union rcu_special {
	struct {
		u8 blocked;	/* preempted in a section, on blkd_tasks */
		u8 need_qs;	/* the core asks for a QS */
		u8 exp_hint;	/* an expedited GP waits for this section */
		u8 need_mb;
	} b;
	u32 s;
};

/* The PREEMPT_RCU fields of the task_struct of CPU `cpu`'s task. */
struct rcu_task {
	int rcu_read_lock_nesting;
	union rcu_special rcu_read_unlock_special;
	bool idle;	/* the task is done: the CPU idles (an EQS) */
};

enum { DEFER_QS_IDLE = 0, DEFER_QS_PENDING = 1 };

struct rcu_data {
	struct { bool norm, exp; } cpu_no_qs;
	struct irq_work defer_qs_iw;
	int defer_qs_pending;
	/* Oracle: since when the CPU is outside every section owing a QS (0: not). */
	u64 qs_owed_since;
};

struct rcu_node {
	raw_spinlock_t lock;
	unsigned long qsmask;		/* CPUs the normal GP waits for */
	unsigned long expmask;		/* CPUs the expedited GP waits for */
	unsigned long blkd_tasks;	/* tasks (by CPU) preempted in a section */
	unsigned long gp_tasks;		/* ... of those, blocking the normal GP */
	unsigned long exp_tasks;	/* ... and the expedited GP */
};

extern rcu_variant rcu_cfg;
extern struct rcu_node rcu_node;
extern struct rcu_data rcu_data[RCU_MAX_CPUS];
extern struct rcu_task rcu_tasks[RCU_MAX_CPUS];
extern u64 rcu_gp_stall_ns;

/* Scenario::OnReset: the whole state, for nr_cpus CPUs. */
void rcu_reset(const rcu_variant &v, int nr_cpus);

void __rcu_read_lock(void);
void __rcu_read_unlock(void);
static inline void rcu_read_lock(void) { __rcu_read_lock(); }
static inline void rcu_read_unlock(void) { __rcu_read_unlock(); }
/* As proposed for tracers (spec 3.5): the same, but with notrace_skips_special
 * the unlock never enters rcu_read_unlock_special(). */
void rcu_read_lock_notrace(void);
void rcu_read_unlock_notrace(void);
int rcu_preempt_depth(void);

/* The expedited-GP IPI's handler, and the GPs (task context, wait by spinning). */
void synchronize_rcu_expedited(void);
void synchronize_rcu(void);
/* From the tick (hardirq) of every CPU that has one. */
void rcu_sched_clock_irq(void);
/* __schedule()'s hook (kapi sched_set_switch_hook). */
void rcu_note_context_switch(bool preempt);
/* The CPU's task is done: its CPU enters idle, an extended quiescent state. */
void rcu_idle_enter(void);
/* RCU_SOFTIRQ's action. */
void rcu_core(void);
/* The grace-period oracle (see above); from the housekeeping tick. */
void rcu_gp_check_stall(void);

/* Counters the scenarios' checks read (per execution). */
struct rcu_stats {
	int deferrals_in_nmi;	/* deferral work started from an NMI (must stay 0) */
	int irqrestore_under_rq_lock; /* reports with the rq-like lock held */
	int exp_gps, gps;	/* completed */
};
extern struct rcu_stats rcu_stats;
/* The scenario's runqueue-like lock: held by the CPU in this mask. */
extern unsigned long rcu_rq_lock_held;

#endif  /* TARGETS_RCU_TREE_H_ */
