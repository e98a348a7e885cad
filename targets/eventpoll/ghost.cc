/* targets/eventpoll/ghost.cc: the invariants EP-I1..I3 (ghost.h). */

#include "rtfuzz/check/lock_events.h"

#include "eventpoll.h"

namespace {

bool Pending(const struct epitem *epi)
{
	const struct ep_ghost &g = epi->ghost;
	return g.on_rdllist || g.on_txlist || g.on_ovflist || g.held;
}

bool Watched(const struct epitem *epi)
{
	return epi->ghost.registered && !epi->ghost.removed;
}

void CheckLostEvent(struct epitem *epi, const char *site)
{
	if (!Watched(epi) || epi->ghost.in_cb > 0)
		return;
	rtfuzz::check::Invariant(!epi->ghost.fresh || Pending(epi),
				 "EP-I1 no lost event: an epitem made ready after its last poll is "
				 "on rdllist, ovflist, a txlist or in the consumer's hands",
				 site);
}

}  // namespace

void ep_ghost_add(struct epitem *epi)
{
	if (!rtfuzz::rt::Simulated())
		return;
	struct ep_ghost_ep &g = epi->ep->ghost;
	epi->ghost.registered = true;
	epi->ghost.removed = false;
	for (int i = 0; i < g.nr_items; ++i) {
		if (g.items[i] == epi)
			return;
	}
	if (g.nr_items < EP_MAX_ITEMS)
		g.items[g.nr_items++] = epi;
}

void ep_ghost_cb_begin(struct epitem *epi, bool fresh)
{
	if (!rtfuzz::rt::Simulated())
		return;
	++epi->ghost.in_cb;
	++epi->ep->ghost.in_flight;
	if (fresh)
		epi->ghost.fresh = true;
}

void ep_ghost_cb_end(struct epitem *epi, const char *site)
{
	if (!rtfuzz::rt::Simulated())
		return;
	--epi->ghost.in_cb;
	--epi->ep->ghost.in_flight;
	CheckLostEvent(epi, site);
	ep_ghost_check_wakeup(epi->ep, site);
}

void ep_ghost_polled(struct epitem *epi)
{
	if (!rtfuzz::rt::Simulated())
		return;
	epi->ghost.fresh = false;
}

void ep_ghost_link(struct epitem *epi, const char *site)
{
	if (!rtfuzz::rt::Simulated())
		return;
	rtfuzz::check::Invariant(!epi->ghost.on_rdllist && !epi->ghost.on_txlist,
				 "EP-I2 no double link: an epitem is linked into the ready list only "
				 "when it is on neither the ready list nor a txlist",
				 site);
	epi->ghost.on_rdllist = true;
}

void ep_ghost_chain(struct epitem *epi, const char *site)
{
	if (!rtfuzz::rt::Simulated())
		return;
	rtfuzz::check::Invariant(!epi->ghost.on_ovflist,
				 "EP-I2 no double link: an epitem is chained on ovflist at most once",
				 site);
	epi->ghost.on_ovflist = true;
	++epi->ep->ghost.chained;
}

void ep_ghost_unchain(struct epitem *epi)
{
	if (!rtfuzz::rt::Simulated())
		return;
	epi->ghost.on_ovflist = false;
}

void ep_ghost_splice_to_tx(struct eventpoll *ep)
{
	if (!rtfuzz::rt::Simulated())
		return;
	for (int i = 0; i < ep->ghost.nr_items; ++i) {
		struct ep_ghost &g = ep->ghost.items[i]->ghost;
		if (g.on_rdllist) {
			g.on_rdllist = false;
			g.on_txlist = true;
		}
	}
}

void ep_ghost_splice_from_tx(struct eventpoll *ep)
{
	if (!rtfuzz::rt::Simulated())
		return;
	for (int i = 0; i < ep->ghost.nr_items; ++i) {
		struct ep_ghost &g = ep->ghost.items[i]->ghost;
		if (g.on_txlist) {
			g.on_txlist = false;
			g.on_rdllist = true;
		}
	}
}

void ep_ghost_take(struct epitem *epi)
{
	if (!rtfuzz::rt::Simulated())
		return;
	epi->ghost.held = true;
	epi->ghost.on_txlist = false;
	epi->ghost.on_rdllist = false;
}

void ep_ghost_release(struct epitem *epi, const char *site)
{
	if (!rtfuzz::rt::Simulated())
		return;
	epi->ghost.held = false;
	CheckLostEvent(epi, site);
}

void ep_ghost_deliver(struct epitem *epi, const char *site)
{
	if (!rtfuzz::rt::Simulated())
		return;
	rtfuzz::check::Invariant(!epi->ghost.removed,
				 "EP-I2: no event is delivered for a removed epitem", site);
	++epi->ghost.delivered;
}

void ep_ghost_unlink(struct epitem *epi)
{
	if (!rtfuzz::rt::Simulated())
		return;
	epi->ghost.on_rdllist = false;
}

void ep_ghost_removed(struct epitem *epi)
{
	if (!rtfuzz::rt::Simulated())
		return;
	epi->ghost.removed = true;
}

bool ep_ghost_available(struct eventpoll *ep)
{
	if (!rtfuzz::rt::Simulated())
		return true;
	for (int i = 0; i < ep->ghost.nr_items; ++i) {
		const struct epitem *epi = ep->ghost.items[i];
		if (Watched(epi) && (epi->ghost.on_rdllist || epi->ghost.on_ovflist))
			return true;
	}
	return false;
}

void ep_ghost_check_wakeup(struct eventpoll *ep, const char *site)
{
	if (!rtfuzz::rt::Simulated())
		return;
	const struct ep_ghost_ep &g = ep->ghost;
	if (g.in_flight > 0 || !g.committed || g.wait == nullptr)
		return;
	rtfuzz::check::Invariant(!(g.wait->queued && ep_ghost_available(ep)),
				 "EP-I3 no lost wakeup: a waiter sleeps on ep->wq, not woken, while "
				 "events are available and no producer is in flight",
				 site);
}

void ep_ghost_wait_commit(struct eventpoll *ep, struct wait_queue_entry *wait,
			  const char *site)
{
	if (!rtfuzz::rt::Simulated())
		return;
	ep->ghost.committed = true;
	ep->ghost.wait = wait;
	ep_ghost_check_wakeup(ep, site);
}

void ep_ghost_wait_done(struct eventpoll *ep)
{
	if (!rtfuzz::rt::Simulated())
		return;
	ep->ghost.committed = false;
	ep->ghost.wait = nullptr;
}

void ep_ghost_check_all(struct eventpoll *ep, const char *site)
{
	if (!rtfuzz::rt::Simulated())
		return;
	for (int i = 0; i < ep->ghost.nr_items; ++i)
		CheckLostEvent(ep->ghost.items[i], site);
}

bool ep_ghost_end_no_lost_event(struct eventpoll *ep)
{
	if (!rtfuzz::rt::Simulated())
		return true;
	for (int i = 0; i < ep->ghost.nr_items; ++i) {
		const struct epitem *epi = ep->ghost.items[i];
		if (!Watched(epi))
			continue;
		if (epi->file->count.counter != 0 || epi->ghost.fresh)
			return false;
		/* llist-v3: not on the list means unclaimed (else it is lost for good). */
		if (eventpoll_cfg.lock == EP_LOCK_NONE_LLIST && !epi->ghost.on_rdllist &&
		    epi->rdllnode.next != &epi->rdllnode)
			return false;
	}
	return true;
}

bool ep_ghost_end_lists_consistent(struct eventpoll *ep)
{
	if (!rtfuzz::rt::Simulated())
		return true;
	int on_list = 0;
	if (eventpoll_cfg.lock == EP_LOCK_NONE_LLIST) {
		for (struct llist_node *n = ep->rdllist_ll.first; n != nullptr; n = n->next) {
			const struct epitem *epi = llist_entry(n, struct epitem, rdllnode);
			if (!epi->ghost.on_rdllist || ++on_list > ep->ghost.nr_items)
				return false;
		}
	} else {
		if (ep->ovflist != EP_UNACTIVE_PTR)
			return false;
		for (struct list_head *p = ep->rdllist.next; p != &ep->rdllist; p = p->next) {
			const struct epitem *epi = list_entry(p, struct epitem, rdllink);
			if (!epi->ghost.on_rdllist || p->next->prev != p ||
			    ++on_list > ep->ghost.nr_items)
				return false;
		}
	}
	int ghost_on = 0;
	for (int i = 0; i < ep->ghost.nr_items; ++i) {
		const struct epitem *epi = ep->ghost.items[i];
		const struct ep_ghost &g = epi->ghost;
		if (g.on_txlist || g.on_ovflist || g.held || g.in_cb != 0)
			return false;
		if (eventpoll_cfg.lock != EP_LOCK_NONE_LLIST && epi->next != EP_UNACTIVE_PTR)
			return false;
		ghost_on += g.on_rdllist ? 1 : 0;
	}
	return ghost_on == on_list && ep->ghost.in_flight == 0;
}

bool ep_ghost_end_no_sleeper(struct eventpoll *ep)
{
	if (!rtfuzz::rt::Simulated())
		return true;
	return ep->wq.first == nullptr && !ep->ghost.committed;
}
