/* framework/include/rtfuzz/kapi/linux/llist.h
 *
 * Lock-less NULL terminated single linked lists, as the kernel's
 * <linux/llist.h> and lib/llist.c, with the kernel's algorithms and the points
 * of their atomic accesses:
 *
 *   llist_add(), llist_add_batch()   READ_ONCE(head->first): one point, then
 *                                    one RMW point per try_cmpxchg() attempt
 *   llist_del_all()                  one RMW point (xchg)
 *   llist_del_first()                smp_load_acquire(head->first), then per
 *                                    attempt READ_ONCE(entry->next) and one
 *                                    try_cmpxchg() point
 *   llist_empty()                    one read point
 *   llist_reverse_order(), llist_next(), iterators, llist_entry()
 *                                    not points (the list is private by then)
 *
 * The plain store new_last->next = first inside llist_add_batch() is not a
 * point (it is not shared until the cmpxchg publishes it). Records are
 * anonymous (object 0). llist_del_first() has the kernel's ABA hazard: it
 * must have a single consumer, as the kernel's rule says.
 */

#ifndef RTFUZZ_KAPI_LINUX_LLIST_H_
#define RTFUZZ_KAPI_LINUX_LLIST_H_

#include "rtfuzz/kapi/asm/barrier.h"
#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/atomic.h"
#include "rtfuzz/kapi/linux/compiler.h"
#include "rtfuzz/kapi/linux/container_of.h"

struct llist_head {
	struct llist_node *first;
};

struct llist_node {
	struct llist_node *next;
};

#define LLIST_HEAD_INIT(name)	{ nullptr }
#define LLIST_HEAD(name)	struct llist_head name = LLIST_HEAD_INIT(name)

/* init_llist_head - initialize lock-less list head. Not a point (private). */
static inline void init_llist_head(struct llist_head *list)
{
	list->first = nullptr;
}

/* init_llist_node - mark a node as not on a list. Not a point. */
static inline void init_llist_node(struct llist_node *node)
{
	node->next = node;
}

/* llist_on_list - whether a node initialized with init_llist_node() is on a list. */
static inline bool llist_on_list(const struct llist_node *node)
{
	return node->next != node;
}

#define llist_entry(ptr, type, member)	container_of(ptr, type, member)

/* Whether container_of(NULL) was not what we computed (see container_of.h). */
#define member_address_is_nonnull(ptr, member)				\
	((uintptr_t)(ptr) + offsetof(__typeof__(*(ptr)), member) != 0)

#define llist_for_each(pos, node)					\
	for ((pos) = (node); pos; (pos) = (pos)->next)

#define llist_for_each_safe(pos, n, node)				\
	for ((pos) = (node); (pos) && ((n) = (pos)->next, true); (pos) = (n))

#define llist_for_each_entry(pos, node, member)				\
	for ((pos) = llist_entry((node), __typeof__(*(pos)), member);	\
	     member_address_is_nonnull(pos, member);			\
	     (pos) = llist_entry((pos)->member.next, __typeof__(*(pos)), member))

#define llist_for_each_entry_safe(pos, n, node, member)			\
	for (pos = llist_entry((node), __typeof__(*pos), member);	\
	     member_address_is_nonnull(pos, member) &&			\
		(n = llist_entry(pos->member.next, __typeof__(*n), member), true); \
	     pos = n)

/* llist_empty - whether the list is empty. One read point. */
static inline bool llist_empty(const struct llist_head *head)
{
	return READ_ONCE(head->first) == nullptr;
}

static inline struct llist_node *llist_next(struct llist_node *node)
{
	return node->next;
}

/**
 * llist_add_batch - add several linked entries in batch
 * @new_first:	first entry in batch to be added
 * @new_last:	last entry in batch to be added
 * @head:	the head for your lock-less list
 *
 * Return whether list is empty before adding.
 */
static inline bool llist_add_batch(struct llist_node *new_first,
				   struct llist_node *new_last,
				   struct llist_head *head)
{
	struct llist_node *first = READ_ONCE(head->first);

	do {
		new_last->next = first;
	} while (!try_cmpxchg(&head->first, &first, new_first));

	return !first;
}

/**
 * llist_add - add a new entry
 * @new:	new entry to be added
 * @head:	the head for your lock-less list
 *
 * Returns true if the list was empty prior to adding this entry.
 */
static inline bool llist_add(struct llist_node *nw, struct llist_head *head)
{
	return llist_add_batch(nw, nw, head);
}

/**
 * llist_del_all - delete all entries from lock-less list
 * @head:	the head of lock-less list to delete all entries
 *
 * Returns the entries, newest first. One RMW point.
 */
static inline struct llist_node *llist_del_all(struct llist_head *head)
{
	return xchg(&head->first, nullptr);
}

/**
 * llist_del_first - delete the first entry of lock-less list
 * @head:	the head for your lock-less list
 *
 * Returns NULL if the list is empty. Only one llist_del_first() user may run
 * at a time (ABA), concurrently with any number of llist_add() users.
 */
static inline struct llist_node *llist_del_first(struct llist_head *head)
{
	struct llist_node *entry, *next;

	entry = smp_load_acquire(&head->first);
	do {
		if (entry == nullptr)
			return nullptr;
		next = READ_ONCE(entry->next);
	} while (!try_cmpxchg(&head->first, &entry, next));

	return entry;
}

/**
 * llist_reverse_order - reverse order of a llist chain
 * @head:	first item of the list to be reversed
 *
 * Return reversed chain. Not a point: the chain is private.
 */
static inline struct llist_node *llist_reverse_order(struct llist_node *head)
{
	struct llist_node *new_head = nullptr;

	while (head) {
		struct llist_node *tmp = head;

		head = head->next;
		tmp->next = new_head;
		new_head = tmp;
	}

	return new_head;
}

#endif  /* RTFUZZ_KAPI_LINUX_LLIST_H_ */
