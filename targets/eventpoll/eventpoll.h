/* targets/eventpoll/eventpoll.h
 *
 * The epoll ready list (fs/eventpoll.c), modeled from the description in
 * ../shared/spec/kernel-mechanisms.md section 2 (no kernel source copied),
 * with its three eras switchable at run time (variant.h):
 *
 *   producer  ep_poll_callback(): called with the watched file's wait-queue
 *             lock held (ep_source_wake()), from task, softirq, hardirq or
 *             timer context, or from irq_work queued by an NMI (a BPF perf
 *             sample). Links the epitem into ep->rdllist, or chains it on
 *             ep->ovflist while a consumer scans, and wakes ep->wq.
 *   consumer  ep_send_events() under ep->mtx: ep_start_scan() splices
 *             rdllist to a txlist and opens ovflist; each item is polled,
 *             delivered and (level-triggered) re-armed; ep_done_scan()
 *             re-injects the ovflist chain and the leftovers.
 *   waiter    ep_poll(): check, add itself to ep->wq, sleep, re-check.
 *   ctl       epoll_ctl(EPOLL_CTL_ADD / _DEL): ep_insert() / ep_remove().
 *
 * The lock is chosen by eventpoll_cfg.lock: rwlock_t ep->lock (producers
 * share it as readers), spinlock_t (ep->lock; here the field `slock`, its
 * lockdep name "ep->lock"), or none (llist-v3: rdllist is an llist_head,
 * `rdllist_ll`, and the epitem's node `rdllnode`; ovflist and epi->next are
 * unused). Lock events come from kapi's locks.
 *
 * The watched file is an eventfd-like `struct ep_source`: a counter, and a
 * wait-queue head (its spinlock_t and the one registered epitem, the
 * eppoll_entry). ep_item_poll() is eventfd_poll(): EPOLLIN iff count > 0.
 *
 * Every shared access is a kapi operation (a scheduling point). The model's
 * ghost state for the invariants EP-I1..I3 (ghost.h) is plain memory,
 * updated next to the operation it mirrors.
 */

#ifndef TARGETS_EVENTPOLL_EVENTPOLL_H_
#define TARGETS_EVENTPOLL_EVENTPOLL_H_

#include "ghost.h"
#include "variant.h"

#include <linux/atomic.h>
#include <linux/kapi_types.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/rwlock.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

/* <uapi/linux/eventpoll.h> values (the UAPI header itself is not used). */
#define EP_EPOLLIN		0x00000001u
#define EP_EPOLLOUT		0x00000004u

/* ovflist / epi->next: no scan in progress, not chained. */
#define EP_UNACTIVE_PTR		(reinterpret_cast<struct epitem *>(-1L))

/* Most epitems one eventpoll of the model holds (ghost registry). */
#define EP_MAX_ITEMS		16

struct eventpoll;
struct ep_source;

struct epitem {
	struct list_head rdllink;	/* linked iff on rdllist (or a txlist) */
	struct llist_node rdllnode;	/* llist-v3: its rdllink (next == self: unclaimed) */
	struct epitem *next;		/* ovflist chain; EP_UNACTIVE_PTR if not chained */
	struct eventpoll *ep;
	struct ep_source *file;		/* ffd.file */
	u32 events;			/* event.events */
	const char *name;
	struct ep_ghost ghost;		/* model only */
};

struct eventpoll {
	struct mutex mtx;		/* consumers, ctl, removal */
	wait_queue_head_t wq;		/* epoll_wait() sleepers (exclusive) */
	wait_queue_head_t poll_wait;	/* this epoll fd polled by another */
	struct list_head rdllist;	/* rwlock/spinlock eras */
	struct llist_head rdllist_ll;	/* llist-v3 */
	rwlock_t lock;			/* rwlock era */
	spinlock_t slock;		/* spinlock era: the kernel's ep->lock */
	struct epitem *ovflist;		/* EP_UNACTIVE_PTR, or NULL / a chain while scanning */
	struct ep_ghost_ep ghost;	/* model only */
};

/* A watched file (an eventfd): counter and wait-queue head. */
struct ep_source {
	spinlock_t wqh_lock;		/* wait_queue_head_t.lock */
	struct epitem *pwq;		/* the registered epitem's entry, NULL if none */
	atomic_t count;
	const char *name;
};

/* The era and planted bugs of the running execution (set before it). */
extern struct eventpoll_variant eventpoll_cfg;

/*
 * Set-up, outside any context (plain stores, not points): an empty
 * eventpoll, a file with `count` pending events, and an epitem for it;
 * ep_register_plain() links an epitem as if epoll_ctl(ADD) had run before
 * the scenario started (the file had no events then).
 */
void ep_init_plain(struct eventpoll *ep);
void ep_source_init_plain(struct ep_source *src, const char *name, int count);
void ep_item_init_plain(struct epitem *epi, struct eventpoll *ep, struct ep_source *src,
			const char *name);
void ep_register_plain(struct epitem *epi);

/* Producer side. */
int ep_poll_callback(struct epitem *epi, unsigned int key);
/* wake_up_poll(&file->wqh, EPOLLIN) under the file's wait-queue lock. */
void ep_source_wake(struct ep_source *src);
/* eventfd_signal(): count++ and the wakeup, under the wait-queue lock. */
void ep_source_signal(struct ep_source *src);
/* A read() of the file: returns and clears its count. */
int ep_source_read(struct ep_source *src);

/* Consumer side. */
bool ep_events_available(struct eventpoll *ep);
int ep_send_events(struct eventpoll *ep, struct epitem **events, int maxevents);
/* epoll_wait(): timeout -1 if block, else 0. Returns how many delivered. */
int ep_poll(struct eventpoll *ep, struct epitem **events, int maxevents, bool block);

/* epoll_ctl(): take ep->mtx, then ep_insert() / ep_remove(). */
int epoll_ctl_add(struct eventpoll *ep, struct epitem *epi);
int epoll_ctl_del(struct eventpoll *ep, struct epitem *epi);

#endif  /* TARGETS_EVENTPOLL_EVENTPOLL_H_ */
