/* targets/context_tracking/variant.h
 *
 * The versions of "defer IPIs to isolated NOHZ_FULL CPUs until their next
 * kernel entry" (seed 003, ../shared/spec/kernel-mechanisms.md section 4):
 *
 *   ipi-always  no deferral (mainline before the series): every CPU IPI'd
 *   v1          RFC v1: a separate ct->work word, bit0 DISABLED while in
 *               the kernel (taken at entry with fetch_or, cleared at exit)
 *   v3          RFC v3: work bits in ct->state; the loop checks CT_STATE
 *               but the first cmpxchg uses the raw read: it succeeds while
 *               the target is in the kernel (false deferral)
 *   v5          v5/v6: gated on CT_RCU_WATCHING, but `old |= WATCHING`
 *               makes the first cmpxchg succeed exactly while the target
 *               is in the kernel (the same flaw)
 *   v7          v7: `old &= ~WATCHING`: it can only succeed while the
 *               target is not watching
 *   r2-planted  v7, but a failed cmpxchg that sees the work bit set
 *               (someone else set it) counts as deferred (spec 4.4 R2)
 *   no-flush-planted  v7, but kernel entry forgets ct_work_flush(): the
 *               deferral is right, the work never runs (CT-I5's own test)
 */

#ifndef TARGETS_CONTEXT_TRACKING_VARIANT_H_
#define TARGETS_CONTEXT_TRACKING_VARIANT_H_

#include <optional>
#include <string_view>
#include <vector>

enum class ct_version { ipi_always, v1, v3, v5, v7 };

struct ct_variant {
	ct_version version = ct_version::v7;
	bool r2_visible_bit_defers = false;	/* planted */
	bool entry_skips_flush = false;		/* planted */
};

namespace rtfuzz::targets::context_tracking {

std::optional<ct_variant> ParseVariant(std::string_view name);
const std::vector<std::string_view>& VariantNames();

}  // namespace rtfuzz::targets::context_tracking

#endif  /* TARGETS_CONTEXT_TRACKING_VARIANT_H_ */
