/* targets/rcu/variant.h
 *
 * The versions of PREEMPT_RCU's deferred quiescent-state path (seed 004,
 * ../shared/spec/kernel-mechanisms.md section 3), selected at run time. The
 * presets up to `fixed` are CUMULATIVE, in upstream order:
 *
 *   v6.16        the irq_work handler clears defer_qs_iw_pending
 *                unconditionally; the unlock re-initialises the irq_work
 *                before queueing it; the softirq path has no flag (the
 *                recursion protection left with 5f5fa7ea89dc)
 *   ct-in-irq    v6.16 + the superseded attempt: no irq_work while
 *                ct_in_irq() (the CPU is inside an interrupt)
 *   flag         v6.16 + b41642c87716 (3284e4adca9b): the flag means "a
 *                deferred QS is outstanding"; cleared when the QS is
 *                reported, or by the handler only inside a new reader
 *   init-once    flag + 61399e0c5410: the irq_work initialised once
 *   fixed        init-once + d41e37f26b31: the softirq path uses the flag
 *   notrace-proposed  fixed, with rcu_read_unlock_notrace() as first
 *                proposed: it skips rcu_read_unlock_special()
 *   no-qs-report planted: fixed, but rcu_preempt_deferred_qs_irqrestore()
 *                clears the special bits without reporting the QS
 */

#ifndef TARGETS_RCU_VARIANT_H_
#define TARGETS_RCU_VARIANT_H_

#include <optional>
#include <string_view>
#include <vector>

struct rcu_variant {
	bool ct_in_irq_skip = false;		/* the superseded ct_in_irq() attempt */
	bool pending_flag_rule = false;		/* b41642c87716 */
	bool init_iw_once = false;		/* 61399e0c5410 */
	bool softirq_uses_flag = false;		/* d41e37f26b31 */
	bool notrace_skips_special = false;	/* rcu_read_lock_notrace RFC */
	bool no_qs_report = false;		/* planted */
};

namespace rtfuzz::targets::rcu {

/* The preset called `name`, or nullopt for an unknown name. */
std::optional<rcu_variant> ParseVariant(std::string_view name);

/* Every preset name, oldest first, then the proposal and the planted bug. */
const std::vector<std::string_view>& VariantNames();

}  // namespace rtfuzz::targets::rcu

#endif  /* TARGETS_RCU_VARIANT_H_ */
