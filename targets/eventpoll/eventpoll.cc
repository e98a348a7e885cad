/* targets/eventpoll/eventpoll.cc: the model of eventpoll.h. */

#include "eventpoll.h"

#include <linux/compiler.h>
#include <linux/kapi_errno.h>

struct eventpoll_variant eventpoll_cfg;

namespace {

#define EP_SITE RTFUZZ_KAPI_HERE

bool ep_llist_era()
{
	return eventpoll_cfg.lock == EP_LOCK_NONE_LLIST;
}

bool ep_rwlock_era()
{
	return eventpoll_cfg.lock == EP_LOCK_RWLOCK;
}

/* ep->lock, read side (producers): read_lock_irqsave or spin_lock_irqsave. */
unsigned long ep_lock_producer(struct eventpoll *ep)
{
	unsigned long flags = 0;
	if (ep_rwlock_era())
		read_lock_irqsave(&ep->lock, flags);
	else
		spin_lock_irqsave(&ep->slock, flags);
	return flags;
}

void ep_unlock_producer(struct eventpoll *ep, unsigned long flags)
{
	if (ep_rwlock_era())
		read_unlock_irqrestore(&ep->lock, flags);
	else
		spin_unlock_irqrestore(&ep->slock, flags);
}

/* ep->lock, write side (scans, ep_poll, ctl): write_lock_irq or spin_lock_irq. */
void ep_lock_irq(struct eventpoll *ep)
{
	if (ep_rwlock_era())
		write_lock_irq(&ep->lock);
	else
		spin_lock_irq(&ep->slock);
}

void ep_unlock_irq(struct eventpoll *ep)
{
	if (ep_rwlock_era())
		write_unlock_irq(&ep->lock);
	else
		spin_unlock_irq(&ep->slock);
}

/* Racy outside ep->lock, as in the kernel. */
bool ep_is_linked(struct epitem *epi)
{
	return !list_empty(&epi->rdllink);
}

unsigned int ep_item_poll(struct epitem *epi)
{
	ep_ghost_polled(epi);
	return atomic_read(&epi->file->count) > 0 ? (EP_EPOLLIN & epi->events) : 0;
}

void ep_poll_safewake(struct eventpoll *ep)
{
	wake_up(&ep->poll_wait);
}

/* --- The rwlock era's lockless producers (under read_lock) --- */

/*
 * Many producers at once: claim the entry ("next == self" means unlinked),
 * swing the tail with xchg, then fill in the forward link (briefly
 * missing).
 */
bool list_add_tail_lockless(struct list_head *nw, struct list_head *head)
{
	struct list_head *prev;

	if (cmpxchg(&nw->next, nw, head) != nw)
		return false;
	prev = xchg(&head->prev, nw);
	WRITE_ONCE(prev->next, nw);
	WRITE_ONCE(nw->prev, prev);
	return true;
}

/* LIFO push on ovflist, claimed by the EP_UNACTIVE_PTR -> NULL cmpxchg. */
bool chain_epi_lockless(struct epitem *epi)
{
	struct eventpoll *ep = epi->ep;

	if (READ_ONCE(epi->next) != EP_UNACTIVE_PTR)
		return false;
	if (cmpxchg(&epi->next, EP_UNACTIVE_PTR, static_cast<struct epitem *>(nullptr)) !=
	    EP_UNACTIVE_PTR)
		return false;
	ep_ghost_chain(epi, EP_SITE);
	WRITE_ONCE(epi->next, xchg(&ep->ovflist, epi));
	return true;
}

/* --- llist-v3 --- */

/* Claim the node (next: self -> NULL), then push it at the head. */
bool epitem_ready(struct epitem *epi)
{
	struct llist_node *n = &epi->rdllnode;

	if (cmpxchg(&n->next, n, static_cast<struct llist_node *>(nullptr)) != n)
		return false;
	/* Ghost first: the consumer may pop it at the push's own point. */
	ep_ghost_link(epi, EP_SITE);
	llist_add(n, &epi->ep->rdllist_ll);
	return true;
}

/* init_llist_node() as the kernel's WRITE_ONCE (kapi's is a plain store). */
void ep_init_llist_node(struct llist_node *n)
{
	WRITE_ONCE(n->next, n);
}

/*
 * prepare_to_wait_exclusive() with the kernel's atomicity: the entry is
 * queued and the task state set in ONE step, as the kernel does both under
 * wq_head->lock. kapi's version makes a point between the two, where a
 * waker takes the autoremove entry off the queue and wakes a task that is
 * still running (the kernel keeps the entry when try_to_wake_up fails):
 * a lost wakeup the kernel cannot have.
 */
void ep_prepare_to_wait_exclusive(wait_queue_head_t *wq, struct wait_queue_entry *wait)
{
	wait->flags |= WQ_FLAG_EXCLUSIVE;
	if (!wait->queued)
		rtfuzz::kapi::internal::WqAdd(wq, wait, /*tail=*/true);
	rtfuzz::rt::SetCurrentStateBlocked();	/* the one point */
}

/* --- Producer --- */

int ep_poll_callback_llist(struct epitem *epi)
{
	struct eventpoll *ep = epi->ep;
	int ewake = 0;

	epitem_ready(epi);
	if (waitqueue_active(&ep->wq)) {
		wake_up(&ep->wq);
		ewake = 1;
	}
	if (waitqueue_active(&ep->poll_wait))
		ep_poll_safewake(ep);
	return ewake;
}

int ep_poll_callback_locked(struct epitem *epi)
{
	struct eventpoll *ep = epi->ep;
	bool wq_active = false;
	int pwake = 0, ewake = 0;

	/* Planted (lost-wakeup): the wait-queue check before ep->lock. */
	if (eventpoll_cfg.wq_check_outside_lock)
		wq_active = waitqueue_active(&ep->wq);

	const unsigned long flags = ep_lock_producer(ep);
	if (READ_ONCE(ep->ovflist) != EP_UNACTIVE_PTR) {
		/* A consumer is scanning: chain on ovflist. */
		if (ep_rwlock_era()) {
			(void)chain_epi_lockless(epi);
		} else if (READ_ONCE(epi->next) == EP_UNACTIVE_PTR) {
			ep_ghost_chain(epi, EP_SITE);
			WRITE_ONCE(epi->next, READ_ONCE(ep->ovflist));
			WRITE_ONCE(ep->ovflist, epi);
		}
	} else if (!ep_is_linked(epi)) {
		if (ep_rwlock_era()) {
			if (list_add_tail_lockless(&epi->rdllink, &ep->rdllist))
				ep_ghost_link(epi, EP_SITE);
		} else {
			ep_ghost_link(epi, EP_SITE);
			list_add_tail(&epi->rdllink, &ep->rdllist);
		}
	}
	if (!eventpoll_cfg.wq_check_outside_lock && waitqueue_active(&ep->wq)) {
		wake_up(&ep->wq);
		ewake = 1;
	}
	if (waitqueue_active(&ep->poll_wait))
		pwake++;
	ep_unlock_producer(ep, flags);

	if (wq_active) {
		wake_up(&ep->wq);
		ewake = 1;
	}
	if (pwake)
		ep_poll_safewake(ep);
	return ewake;
}

/* --- Consumer --- */

void ep_start_scan(struct eventpoll *ep, struct list_head *txlist)
{
	ep_lock_irq(ep);
	list_splice_init(&ep->rdllist, txlist);
	ep_ghost_splice_to_tx(ep);
	WRITE_ONCE(ep->ovflist, static_cast<struct epitem *>(nullptr));
	ep_unlock_irq(ep);
}

void ep_done_scan(struct eventpoll *ep, struct list_head *txlist)
{
	struct epitem *epi, *nepi;

	ep_lock_irq(ep);
	/* Re-inject what the producers chained while we scanned. */
	for (nepi = READ_ONCE(ep->ovflist); (epi = nepi) != nullptr;) {
		if (eventpoll_cfg.reinject_without_linked_check || !ep_is_linked(epi)) {
			/* Head insertion restores FIFO order of the LIFO chain. */
			ep_ghost_link(epi, EP_SITE);
			list_add(&epi->rdllink, &ep->rdllist);
		}
		nepi = READ_ONCE(epi->next);
		WRITE_ONCE(epi->next, EP_UNACTIVE_PTR);
		ep_ghost_unchain(epi);
	}
	WRITE_ONCE(ep->ovflist, EP_UNACTIVE_PTR);
	/* The leftovers (maxevents reached) go back to the head. */
	list_splice(txlist, &ep->rdllist);
	ep_ghost_splice_from_tx(ep);
	if (!list_empty(&ep->rdllist) && waitqueue_active(&ep->wq))
		wake_up(&ep->wq);
	ep_ghost_check_all(ep, EP_SITE);
	ep_unlock_irq(ep);
}

int ep_send_events_locked(struct eventpoll *ep, struct epitem **events, int maxevents)
{
	struct epitem *epi, *tmp;
	LIST_HEAD(txlist);
	int res = 0;

	ep_start_scan(ep, &txlist);
	list_for_each_entry_safe(epi, tmp, &txlist, rdllink) {
		if (res >= maxevents)
			break;
		ep_ghost_take(epi);
		list_del_init(&epi->rdllink);
		const unsigned int revents = ep_item_poll(epi);
		if (!revents) {
			ep_ghost_release(epi, EP_SITE);
			continue;
		}
		ep_ghost_deliver(epi, EP_SITE);
		events[res++] = epi;
		/*
		 * Level-triggered: back on rdllist. Safe without ep->lock:
		 * producers are diverted to ovflist, ctl is excluded by mtx.
		 */
		ep_ghost_link(epi, EP_SITE);
		list_add_tail(&epi->rdllink, &ep->rdllist);
		ep_ghost_release(epi, EP_SITE);
	}
	ep_done_scan(ep, &txlist);
	return res;
}

int ep_send_events_llist(struct eventpoll *ep, struct epitem **events, int maxevents)
{
	struct epitem *stash[EP_MAX_ITEMS];	/* the local txlist, still claimed */
	int nstash = 0, res = 0;

	while (res < maxevents) {
		struct llist_node *n = llist_del_first(&ep->rdllist_ll);
		if (n == nullptr)
			break;
		struct epitem *epi = llist_entry(n, struct epitem, rdllnode);
		ep_ghost_take(epi);
		const unsigned int revents = ep_item_poll(epi);
		if (!revents) {
			ep_init_llist_node(n);	/* unclaimed AFTER the poll */
			/* The re-check closes the window where the callback fired
			 * between the poll and the init (planted bug: missing). */
			if (!eventpoll_cfg.no_recheck_after_poll && ep_item_poll(epi))
				epitem_ready(epi);
			ep_ghost_release(epi, EP_SITE);
			continue;
		}
		ep_ghost_deliver(epi, EP_SITE);
		events[res++] = epi;
		stash[nstash++] = epi;	/* level-triggered: re-added below, at the head */
	}
	for (int i = 0; i < nstash; ++i) {
		ep_init_llist_node(&stash[i]->rdllnode);
		epitem_ready(stash[i]);
		ep_ghost_release(stash[i], EP_SITE);
	}
	ep_ghost_check_all(ep, EP_SITE);
	return res;
}

/* --- ctl --- */

/* ep_ptable_queue_proc / ep_unregister_pollwait: under the file's wqh lock. */
void ep_register_pollwait(struct epitem *epi, struct epitem *value)
{
	unsigned long flags = 0;
	spin_lock_irqsave(&epi->file->wqh_lock, flags);
	WRITE_ONCE(epi->file->pwq, value);
	spin_unlock_irqrestore(&epi->file->wqh_lock, flags);
}

int ep_insert(struct eventpoll *ep, struct epitem *epi)
{
	int pwake = 0;

	ep_ghost_add(epi);
	ep_register_pollwait(epi, epi);
	ep_ghost_cb_begin(epi, false);
	const unsigned int revents = ep_item_poll(epi);
	if (ep_llist_era()) {
		if (revents) {
			epitem_ready(epi);
			if (waitqueue_active(&ep->wq))
				wake_up(&ep->wq);
			if (waitqueue_active(&ep->poll_wait))
				pwake++;
		}
	} else {
		ep_lock_irq(ep);
		if (revents && !ep_is_linked(epi)) {
			ep_ghost_link(epi, EP_SITE);
			list_add_tail(&epi->rdllink, &ep->rdllist);
			if (waitqueue_active(&ep->wq))
				wake_up(&ep->wq);
			if (waitqueue_active(&ep->poll_wait))
				pwake++;
		}
		ep_unlock_irq(ep);
	}
	if (pwake)
		ep_poll_safewake(ep);
	ep_ghost_cb_end(epi, EP_SITE);
	return 0;
}

int ep_remove(struct eventpoll *ep, struct epitem *epi)
{
	ep_register_pollwait(epi, nullptr);	/* no callback runs after this */
	if (ep_llist_era()) {
		/* Pop until found, push the others back. */
		struct llist_node *first = nullptr, *last = nullptr;
		struct llist_node *n;
		while ((n = llist_del_first(&ep->rdllist_ll)) != nullptr) {
			if (n == &epi->rdllnode) {
				ep_ghost_unlink(epi);
				break;
			}
			WRITE_ONCE(n->next, static_cast<struct llist_node *>(nullptr));
			if (last != nullptr)
				WRITE_ONCE(last->next, n);
			else
				first = n;
			last = n;
		}
		if (first != nullptr)
			llist_add_batch(first, last, &ep->rdllist_ll);
	} else {
		ep_lock_irq(ep);
		if (ep_is_linked(epi)) {
			list_del_init(&epi->rdllink);
			ep_ghost_unlink(epi);
		}
		ep_unlock_irq(ep);
	}
	ep_ghost_removed(epi);
	/* v3's pop-and-push-back hid the other items for a while. */
	ep_ghost_check_wakeup(ep, EP_SITE);
	return 0;
}

}  // namespace

/* --- Set-up (plain) --- */

void ep_init_plain(struct eventpoll *ep)
{
	mutex_init(&ep->mtx);
	init_waitqueue_head(&ep->wq);
	init_waitqueue_head(&ep->poll_wait);
	ep->rdllist.next = ep->rdllist.prev = &ep->rdllist;
	init_llist_head(&ep->rdllist_ll);
	rtfuzz_kapi_rwlock_init(&ep->lock, "ep->lock");
	rtfuzz_kapi_spin_lock_init(&ep->slock, "ep->lock");
	ep->ovflist = EP_UNACTIVE_PTR;
	ep->ghost = {};
}

void ep_source_init_plain(struct ep_source *src, const char *name, int count)
{
	rtfuzz_kapi_spin_lock_init(&src->wqh_lock, name);
	src->pwq = nullptr;
	src->count.counter = count;
	src->name = name;
}

void ep_item_init_plain(struct epitem *epi, struct eventpoll *ep, struct ep_source *src,
			const char *name)
{
	epi->rdllink.next = epi->rdllink.prev = &epi->rdllink;
	init_llist_node(&epi->rdllnode);
	epi->next = EP_UNACTIVE_PTR;
	epi->ep = ep;
	epi->file = src;
	epi->events = EP_EPOLLIN;
	epi->name = name;
	epi->ghost = {};
}

void ep_register_plain(struct epitem *epi)
{
	epi->file->pwq = epi;
	ep_ghost_add(epi);
}

/* --- Producer --- */

int ep_poll_callback(struct epitem *epi, unsigned int key)
{
	const bool match = !key || (key & epi->events);
	int ewake = 0;

	ep_ghost_cb_begin(epi, match);
	if (match)
		ewake = ep_llist_era() ? ep_poll_callback_llist(epi) : ep_poll_callback_locked(epi);
	ep_ghost_cb_end(epi, EP_SITE);
	return ewake;
}

void ep_source_wake(struct ep_source *src)
{
	unsigned long flags = 0;
	spin_lock_irqsave(&src->wqh_lock, flags);
	struct epitem *epi = READ_ONCE(src->pwq);
	if (epi != nullptr)
		ep_poll_callback(epi, EP_EPOLLIN);
	spin_unlock_irqrestore(&src->wqh_lock, flags);
}

void ep_source_signal(struct ep_source *src)
{
	unsigned long flags = 0;
	spin_lock_irqsave(&src->wqh_lock, flags);
	atomic_inc(&src->count);
	struct epitem *epi = READ_ONCE(src->pwq);
	if (epi != nullptr)
		ep_poll_callback(epi, EP_EPOLLIN);
	spin_unlock_irqrestore(&src->wqh_lock, flags);
}

int ep_source_read(struct ep_source *src)
{
	return atomic_xchg(&src->count, 0);
}

/* --- Consumer --- */

bool ep_events_available(struct eventpoll *ep)
{
	if (ep_llist_era()) {
		/* v1/v2's form (v3's is UNVERIFIED): "maybe" while ep->mtx is
		 * held, as a remover may have popped every item. */
		if (eventpoll_cfg.v3_plain_available)
			return !llist_empty(&ep->rdllist_ll);
		if (!mutex_trylock(&ep->mtx))
			return true;
		const bool available = !llist_empty(&ep->rdllist_ll);
		mutex_unlock(&ep->mtx);
		return available;
	}
	return !list_empty_careful(&ep->rdllist) ||
	       READ_ONCE(ep->ovflist) != EP_UNACTIVE_PTR;
}

int ep_send_events(struct eventpoll *ep, struct epitem **events, int maxevents)
{
	int res;

	mutex_lock(&ep->mtx);
	++ep->ghost.scans;
	if (ep_llist_era())
		res = ep_send_events_llist(ep, events, maxevents);
	else
		res = ep_send_events_locked(ep, events, maxevents);
	mutex_unlock(&ep->mtx);
	return res;
}

int ep_poll(struct eventpoll *ep, struct epitem **events, int maxevents, bool block)
{
	bool eavail = ep_events_available(ep);

	for (;;) {
		if (eavail) {
			const int res = ep_send_events(ep, events, maxevents);
			if (res)
				return res;
		}
		if (!block)
			return 0;

		struct wait_queue_entry wait;
		init_wait(&wait);
		if (!ep_llist_era()) {
			/* The final check under the lock, serialized with the producers'
			 * waitqueue_active(). */
			ep_lock_irq(ep);
			eavail = ep_events_available(ep);
			if (!eavail) {
				ep_prepare_to_wait_exclusive(&ep->wq, &wait);
				ep_ghost_wait_commit(ep, &wait, EP_SITE);
			}
			ep_unlock_irq(ep);
		} else if (eventpoll_cfg.v3_check_then_add) {
			/* Hypothesis: check, then add, nothing ordering the two against a
			 * producer's llist_add + waitqueue_active. */
			eavail = ep_events_available(ep);
			if (!eavail) {
				ep_prepare_to_wait_exclusive(&ep->wq, &wait);
				ep_ghost_wait_commit(ep, &wait, EP_SITE);
			}
		} else {
			/* Add, then re-check: a producer that pushed before our add is
			 * seen by the check, one after it sees us queued. */
			ep_prepare_to_wait_exclusive(&ep->wq, &wait);
			eavail = ep_events_available(ep);
			if (!eavail)
				ep_ghost_wait_commit(ep, &wait, EP_SITE);
		}
		if (!eavail)
			rtfuzz::rt::Schedule();
		ep_ghost_wait_done(ep);
		eavail = true;
		if (wait.queued && !ep_llist_era()) {
			ep_lock_irq(ep);
			finish_wait(&ep->wq, &wait);
			ep_unlock_irq(ep);
		} else {
			finish_wait(&ep->wq, &wait);
		}
	}
}

/* --- ctl --- */

int epoll_ctl_add(struct eventpoll *ep, struct epitem *epi)
{
	mutex_lock(&ep->mtx);
	const int ret = ep_insert(ep, epi);
	mutex_unlock(&ep->mtx);
	return ret;
}

int epoll_ctl_del(struct eventpoll *ep, struct epitem *epi)
{
	mutex_lock(&ep->mtx);
	const int ret = ep_remove(ep, epi);
	mutex_unlock(&ep->mtx);
	return ret;
}
