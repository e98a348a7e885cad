/* targets/context_tracking/context_tracking.h
 *
 * Context tracking's per-CPU state word and the deferral of IPI work to
 * isolated (nohz_full) CPUs until their next kernel entry, modeled from
 * ../shared/spec/kernel-mechanisms.md section 4 with the kernel's names
 * (kernel/context_tracking.c, the series' ct_set_cpu_work()), every
 * version switchable at run time (variant.h).
 *
 * ct->state, from the LSB (v3 on):
 *
 *   bits 0-1   CT_STATE (KERNEL 0, IDLE 1, USER 2)
 *   bit  2     CT_WORK_SYNC (sync_core() owed at the next entry)
 *   bits 3-31  the RCU-watching counter; CT_RCU_WATCHING is its LSB, 1
 *              while the CPU executes kernel code
 *
 * RFC v1 keeps the work in its own word, ct->work, bit0 CT_WORK_DISABLED.
 *
 * The model's truth (ct_ghost): whether each CPU executes kernel code, the
 * text generation it last serialized against, and the work it owes. The
 * checks, each an invariant naming the CPUs (spec 4.5):
 *   CT-I1  ct_set_cpu_work() returns true only while the target is not in
 *          the kernel (R4 and the R2 planted sender)
 *   CT-I4  exit never clears work that was not run
 *   CT-I5  no CPU executes kernel text poked by a completed text_poke
 *          protocol without having serialized since the poke
 */

#ifndef TARGETS_CONTEXT_TRACKING_CONTEXT_TRACKING_H_
#define TARGETS_CONTEXT_TRACKING_CONTEXT_TRACKING_H_

#include "variant.h"

#include <linux/atomic.h>
#include <linux/kapi_types.h>

#define CT_MAX_CPUS		4
#define CT_STATE_KERNEL		0
#define CT_STATE_IDLE		1
#define CT_STATE_USER		2
#define CT_STATE_MASK		0x3
#define CT_WORK_START		2
#define CT_WORK_SYNC		(1 << CT_WORK_START)
#define CT_WORK_MASK		CT_WORK_SYNC
#define CT_RCU_WATCHING		(1 << 3)
#define CT_WORK_DISABLED	0x1	/* RFC v1: ct->work's bit0 */

struct context_tracking {
	bool active;		/* nohz_full: context tracked */
	atomic_t state;
	atomic_t work;		/* RFC v1 only */
};

extern ct_variant ct_cfg;
extern struct context_tracking ct_percpu[CT_MAX_CPUS];

/* What the checks and the noise figures read. */
struct ct_ghost_state {
	bool in_kernel[CT_MAX_CPUS];
	int serialized_gen[CT_MAX_CPUS];	/* last text generation synced to */
	bool work_unflushed[CT_MAX_CPUS];	/* a deferral set, not yet run */
	int text_gen;				/* pokes written */
	int completed_gen;			/* pokes whose sync completed */
	int ipis_to_isolated;			/* do_sync_core IPIs on active CPUs */
	int deferred;				/* requests deferred */
	int flushes;				/* entry flushes that ran work */
};
extern struct ct_ghost_state ct_ghost;

/* Scenario::OnReset: every CPU in the kernel; `isolated` context tracked. */
void ct_reset(const ct_variant &v, unsigned long isolated);

/* Transitions of the current CPU (the task's own, or an interrupt's from
 * user: the entry and exit hooks). */
void ct_user_exit(void);	/* user -> kernel: flush deferred work */
void ct_user_enter(void);	/* kernel -> user: clear the work bits */
bool ct_in_user(void);

/* The sender's decision: true if `work` is left for the target's entry. */
bool ct_set_cpu_work(int cpu, unsigned int work);

/* Kernel code on the current CPU that runs patchable text (CT-I5). */
void ct_execute_kernel_text(void);

/* The text_poke protocol of a housekeeping CPU: write, then sync every CPU
 * (deferring to isolated ones where possible), then complete. */
void smp_text_poke_batch_finish(void);

#endif  /* TARGETS_CONTEXT_TRACKING_CONTEXT_TRACKING_H_ */
