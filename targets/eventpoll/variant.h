/* targets/eventpoll/variant.h
 *
 * The eras of the eventpoll ready list, selected at run time: a struct of
 * independent switches and named presets
 * (../shared/spec/kernel-mechanisms.md section 2).
 *
 *   rwlock        v5.1 .. v6.17 (a218cc491420): ep->lock is an rwlock_t;
 *                 producers run under read_lock and link with
 *                 list_add_tail_lockless() / chain_epi_lockless()
 *   spinlock      v6.18, 0c43094f8cc9 "eventpoll: Replace rwlock with
 *                 spinlock": ep->lock is a spinlock_t, plain list ops
 *                 (current mainline; the default)
 *   llist-v3      Nam Cao's half-lockless v3 (8c44dac8add7, merged for
 *                 v6.16-rc5, reverted by 5f02b80c21e1): no ep->lock, no
 *                 ovflist; rdllist is an llist, producers claim and
 *                 llist_add, the consumer pops under ep->mtx
 *
 * Planted bugs (each proves an invariant):
 *   lost-wakeup   spinlock, but ep_poll_callback() reads
 *                 waitqueue_active(&ep->wq) before taking ep->lock (the
 *                 wait-queue check moved out of the lock): EP-I3
 *   lost-event    llist-v3 without the re-check after a poll that found
 *                 nothing (the callback that fired between the poll and
 *                 init_llist_node() is lost): EP-I1
 *   double-link   rwlock, but ep_done_scan() re-injects the ovflist chain
 *                 without the !ep_is_linked() test: EP-I2
 *
 * Hypothesis of the spec (2.4, fault class 1; not v3's verified code):
 *   v3-check-then-add  llist-v3 whose ep_poll checks for events, then adds
 *                 itself to ep->wq, with no lock ordering the two against
 *                 a producer's llist_add + waitqueue_active: EP-I3
 *   v3-plain-available  llist-v3 whose ep_events_available() is a plain
 *                 !llist_empty() (v1/v2 answered "maybe" while ep->mtx was
 *                 held; what v3 did is UNVERIFIED): a waiter that checks
 *                 while ep_remove() has popped every item sleeps, and the
 *                 push-back wakes nobody: EP-I3
 */

#ifndef TARGETS_EVENTPOLL_VARIANT_H_
#define TARGETS_EVENTPOLL_VARIANT_H_

#include <optional>
#include <string_view>
#include <vector>

enum ep_lock_kind {
	EP_LOCK_RWLOCK,		/* a218cc491420 .. 0c43094f8cc9 */
	EP_LOCK_SPINLOCK,	/* 0c43094f8cc9 (and before 2019) */
	EP_LOCK_NONE_LLIST,	/* 8c44dac8add7 (v3), reverted */
};

struct eventpoll_variant {
	enum ep_lock_kind lock = EP_LOCK_SPINLOCK;
	bool wq_check_outside_lock = false;	/* planted: lost-wakeup */
	bool no_recheck_after_poll = false;	/* planted: lost-event (llist) */
	bool reinject_without_linked_check = false; /* planted: double-link */
	bool v3_check_then_add = false;		/* hypothesis: ep_poll (llist) */
	bool v3_plain_available = false;	/* hypothesis: ep_events_available (llist) */
};

namespace rtfuzz::targets::eventpoll {

/* The preset called `name`, or nullopt for an unknown name. */
std::optional<eventpoll_variant> ParseVariant(std::string_view name);

/* Every preset name: the eras oldest first, then the planted bugs. */
const std::vector<std::string_view>& VariantNames();

}  // namespace rtfuzz::targets::eventpoll

#endif  /* TARGETS_EVENTPOLL_VARIANT_H_ */
