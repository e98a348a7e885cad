/* targets/rqspinlock/variant.h
 *
 * The historical versions of rqspinlock, selected at run time: a struct of
 * independent switches, one per upstream change (or planted bug), and named
 * presets. The presets after `nmi-trylock` are CUMULATIVE, in upstream
 * order, because each is a state the bpf-next tree really had:
 *
 *   v6.15        the original lock (no switch set)
 *   nmi-trylock  + 0d80e7f951be: every NMI at `queue` uses the trylock loop
 *   a            + beb7021a6003: held entry before the cmpxchg, release first
 *   b            + 5860f5ce479f: AA on the first check_timeout() call
 *   c            + 81d5a6a43859: NMI trylock fallback only when idx > 0
 *   d            + 30dc2f7025fe: the trylock fallback tries once
 *   e            + 087849cca31d: AA check before any queueing
 *   v6.19        e + 7bd6e5ce5be6: a head that sees -EDEADLK hands over to its
 *                successor, waiting for one without bound
 *   fixed        v6.19 + 7a3c0289c3c8: ... or resets the tail if none
 *   e-v1-leak    fixed, but the AA-before-queue exit leaks the held entry
 *   racy-count   fixed, but idx = rqnodes[0].count++ is a load and a store
 */

#ifndef TARGETS_RQSPINLOCK_VARIANT_H_
#define TARGETS_RQSPINLOCK_VARIANT_H_

#include <optional>
#include <string_view>
#include <vector>

struct rqspinlock_variant {
	bool nmi_trylock = false;	/* 0d80e7f951be */
	bool entry_first = false;	/* (a) beb7021a6003 */
	bool aa_first_check = false;	/* (b) 5860f5ce479f */
	bool nmi_trylock_nested = false; /* (c) 81d5a6a43859 */
	bool single_trylock = false;	/* (d) 30dc2f7025fe */
	bool aa_before_queue = false;	/* (e) 087849cca31d */
	bool keep_queue_on_deadlock = false; /* 7bd6e5ce5be6 (6.19) */
	bool reset_tail_on_deadlock = false; /* 7a3c0289c3c8 */
	bool e_v1_leak = false;		/* planted: (e) v1, entry leaked */
	bool racy_count = false;	/* planted: count++ as load + store */
};

namespace rtfuzz::targets::rqspinlock {

/* The preset called `name`, or nullopt for an unknown name. */
std::optional<rqspinlock_variant> ParseVariant(std::string_view name);

/* Every preset name, oldest first, then the planted bugs. */
const std::vector<std::string_view>& VariantNames();

}  // namespace rtfuzz::targets::rqspinlock

#endif  /* TARGETS_RQSPINLOCK_VARIANT_H_ */
