/* targets/eventpoll/ghost.h
 *
 * Ghost state and the invariants of the eventpoll model (spec 2.2):
 *
 *   EP-I1 no lost event: an epitem whose callback fired (with a matching
 *         key) after the consumer's last ep_item_poll() of it is on
 *         rdllist, on ovflist, on a consumer's txlist, or in the consumer's
 *         hands (it polls it next); so a later epoll_wait delivers it.
 *   EP-I2 no double link: an epitem is put on the ready list only when it
 *         is on neither the ready list nor a txlist, chained on ovflist at
 *         most once, and never delivered after its removal.
 *   EP-I3 no lost wakeup: no waiter sleeps on ep->wq, committed to sleep
 *         (past its last check) and still queued (not woken), while events
 *         are available and no producer is between its list update and
 *         its wakeup.
 *
 * The ghost is plain memory, updated next to the model operation it
 * mirrors: a flag that makes an item "pending" is set before (or in the
 * same step as) the operation and cleared after it, so in the window of a
 * point the ghost is at worst lenient, never a false report. Checks of one
 * item are skipped while a callback or ep_insert() is working on it (it
 * checks at its own end), and EP-I3 while any producer is in flight.
 *
 * The ghost leans on the simulator: it and the operation it mirrors are
 * one step only between two points of a simulated CPU. On the native
 * backend's real threads they are not, so there it is off (every function
 * returns at once, and the end checks hold): the native oracles judge the
 * locks, not the ghost's invariants (docs/native.md).
 *
 * Checked (check::Invariant, verdict `invariant`) at the end of every
 * callback and ep_insert(), after every item the consumer releases, at the
 * end of every ep_send_events(), when a waiter commits to sleep, on every
 * link, chain and delivery, and at the end of every scenario (end checks).
 */

#ifndef TARGETS_EVENTPOLL_GHOST_H_
#define TARGETS_EVENTPOLL_GHOST_H_

struct epitem;
struct eventpoll;
struct wait_queue_entry;

struct ep_ghost {
	bool registered;	/* on the file's wait queue via epoll_ctl(ADD) */
	bool removed;		/* epoll_ctl(DEL) done */
	bool fresh;		/* a matching callback since the last poll */
	bool on_rdllist;	/* rdllist (llist-v3: the llist) */
	bool on_txlist;		/* a consumer's txlist (lock eras) */
	bool on_ovflist;	/* chained on ovflist */
	bool held;		/* in the consumer's hands: popped, polled next, or stashed */
	int in_cb;		/* callbacks / ep_insert() working on it */
	int delivered;		/* times returned by epoll_wait */
};

struct ep_ghost_ep {
	struct epitem *items[16];	/* every epitem ever registered (EP_MAX_ITEMS) */
	int nr_items;
	int in_flight;		/* callbacks and ep_insert()s in progress */
	bool committed;		/* a waiter passed its last check and will sleep */
	struct wait_queue_entry *wait;	/* its entry */
	int scans;		/* ep_send_events() calls (statistics) */
	int chained;		/* ovflist chains (statistics) */
};

/* Registry. */
void ep_ghost_add(struct epitem *epi);

/* Producer: begin/end of ep_poll_callback() or of ep_insert()'s readiness
 * update. begin marks the item fresh if `fresh` (a matching key). */
void ep_ghost_cb_begin(struct epitem *epi, bool fresh);
void ep_ghost_cb_end(struct epitem *epi, const char *site);

/* ep_item_poll() is about to read the file: the consumer sees what is there. */
void ep_ghost_polled(struct epitem *epi);

/* A successful link into rdllist (or the llist): EP-I2, then on_rdllist. */
void ep_ghost_link(struct epitem *epi, const char *site);
/* A successful chain on ovflist: EP-I2, then on_ovflist. */
void ep_ghost_chain(struct epitem *epi, const char *site);
/* Re-injection took it off ovflist (after the store). */
void ep_ghost_unchain(struct epitem *epi);
/* ep_start_scan() spliced rdllist into a txlist; ep_done_scan() back. */
void ep_ghost_splice_to_tx(struct eventpoll *ep);
void ep_ghost_splice_from_tx(struct eventpoll *ep);
/* The consumer takes the item (off the txlist or the llist): held. */
void ep_ghost_take(struct epitem *epi);
/* The consumer lets go of it (dropped, re-armed or re-added): EP-I1. */
void ep_ghost_release(struct epitem *epi, const char *site);
/* Delivered to user space: EP-I2 (not removed). */
void ep_ghost_deliver(struct epitem *epi, const char *site);
/* ep_remove(): off the ready list, and removed. */
void ep_ghost_unlink(struct epitem *epi);
void ep_ghost_removed(struct epitem *epi);

/* The waiter: committed to sleep with `wait` queued (EP-I3 checked), and
 * awake again. */
void ep_ghost_wait_commit(struct eventpoll *ep, struct wait_queue_entry *wait,
			  const char *site);
void ep_ghost_wait_done(struct eventpoll *ep);

/* EP-I1 for every item (end of ep_send_events()). */
void ep_ghost_check_all(struct eventpoll *ep, const char *site);
/* EP-I3 now. */
void ep_ghost_check_wakeup(struct eventpoll *ep, const char *site);
/* Events available per the ghost: an item on rdllist or ovflist. */
bool ep_ghost_available(struct eventpoll *ep);

/* End checks, at rest (plain reads). */
bool ep_ghost_end_no_lost_event(struct eventpoll *ep);	/* EP-I1 */
bool ep_ghost_end_lists_consistent(struct eventpoll *ep);	/* EP-I2 */
bool ep_ghost_end_no_sleeper(struct eventpoll *ep);		/* EP-I3 */

#endif  /* TARGETS_EVENTPOLL_GHOST_H_ */
