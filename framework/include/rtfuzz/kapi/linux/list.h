/* framework/include/rtfuzz/kapi/linux/list.h
 *
 * Doubly linked lists, as the kernel's <linux/list.h>, with the
 * CONFIG_DEBUG_LIST checks.
 *
 * Granularity: in the kernel these are plain accesses made under a lock. Here
 * each list *operation* is ONE point, made after the whole operation, so
 * interleavings between list operations are explored but an operation itself
 * is indivisible:
 *
 *   mutations (list_add, list_del, list_move_tail, list_splice_init, ...)
 *                              one point, op kWrite, flags kPointWrite
 *   queries that read the list (list_empty, list_empty_careful,
 *   list_is_first, list_is_last, list_is_singular, list_first_entry_or_null)
 *                              one point, op kRead, flags kPointRead
 *   list_entry(), list_first_entry(), list_next_entry(), the iterators,
 *   list_is_head()             not points (plain loads, pointer arithmetic)
 *
 * Not modeled: the WRITE_ONCE()-level steps inside an operation (a lockless
 * reader racing a list_add() can only see it before or after), and RCU lists.
 * Records are anonymous (object 0, value 0).
 *
 * CONFIG_DEBUG_LIST: list_add of an entry already next to its neighbours,
 * list_del of a deleted (poisoned) entry, and broken neighbour links end the
 * execution with rt::Fail("list_add corruption: ...") or
 * ("list_del corruption: ..."), as the kernel's BUG with that config.
 * list_del() poisons the entry (LIST_POISON1/2), so a later use of it is
 * caught as well.
 */

#ifndef RTFUZZ_KAPI_LINUX_LIST_H_
#define RTFUZZ_KAPI_LINUX_LIST_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/compiler.h"
#include "rtfuzz/kapi/linux/container_of.h"
#include "rtfuzz/kapi/linux/kapi_types.h"

/* The kernel's poison values (include/linux/poison.h, no POISON_POINTER_DELTA). */
#define LIST_POISON1	(reinterpret_cast<struct list_head *>(0x100))
#define LIST_POISON2	(reinterpret_cast<struct list_head *>(0x122))

#define LIST_HEAD_INIT(name)	{ &(name), &(name) }
#define LIST_HEAD(name)		struct list_head name = LIST_HEAD_INIT(name)

namespace rtfuzz::kapi::internal {

inline void ListWritePoint()
{
	rt::Point(rt::Op::kWrite, 0, 0, rt::kPointWrite);
}

inline void ListReadPoint(uint64_t value)
{
	rt::Point(rt::Op::kRead, 0, value, rt::kPointRead);
}

/* __list_add_valid(), CONFIG_DEBUG_LIST. */
inline void ListAddCheck(struct list_head *nw, struct list_head *prev,
			 struct list_head *next)
{
	if (unlikely(next->prev != prev))
		rt::Fail("list_add corruption: next->prev should be prev, but is not");
	if (unlikely(prev->next != next))
		rt::Fail("list_add corruption: prev->next should be next, but is not");
	if (unlikely(nw == prev || nw == next))
		rt::Fail("list_add double add: new is prev or next");
}

/* __list_del_entry_valid(), CONFIG_DEBUG_LIST. */
inline void ListDelCheck(struct list_head *entry)
{
	struct list_head *prev = entry->prev, *next = entry->next;

	if (unlikely(next == nullptr))
		rt::Fail("list_del corruption: entry->next is NULL");
	if (unlikely(next == LIST_POISON1))
		rt::Fail("list_del corruption: entry->next is LIST_POISON1 (deleted twice?)");
	if (unlikely(prev == nullptr))
		rt::Fail("list_del corruption: entry->prev is NULL");
	if (unlikely(prev == LIST_POISON2))
		rt::Fail("list_del corruption: entry->prev is LIST_POISON2 (deleted twice?)");
	if (unlikely(prev->next != entry))
		rt::Fail("list_del corruption: prev->next should be entry, but is not");
	if (unlikely(next->prev != entry))
		rt::Fail("list_del corruption: next->prev should be entry, but is not");
}

/* The unpointed steps public operations are made of. */
inline void ListInit(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

inline void ListAdd(struct list_head *nw, struct list_head *prev, struct list_head *next)
{
	ListAddCheck(nw, prev, next);
	next->prev = nw;
	nw->next = next;
	nw->prev = prev;
	prev->next = nw;
}

inline void ListDelEntry(struct list_head *entry)
{
	ListDelCheck(entry);
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
}

inline void ListSplice(const struct list_head *list, struct list_head *prev,
		       struct list_head *next)
{
	struct list_head *first = list->next;
	struct list_head *last = list->prev;

	first->prev = prev;
	prev->next = first;
	last->next = next;
	next->prev = last;
}

}  // namespace rtfuzz::kapi::internal

/**
 * INIT_LIST_HEAD - Initialize a list_head structure
 * @list: list_head structure to be initialized.
 *
 * Initializes the list_head to point to itself. One write point.
 */
static inline void INIT_LIST_HEAD(struct list_head *list)
{
	::rtfuzz::kapi::internal::ListInit(list);
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_add - add a new entry after @head (a stack). One write point. */
static inline void list_add(struct list_head *nw, struct list_head *head)
{
	::rtfuzz::kapi::internal::ListAdd(nw, head, head->next);
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_add_tail - add a new entry before @head (a queue). One write point. */
static inline void list_add_tail(struct list_head *nw, struct list_head *head)
{
	::rtfuzz::kapi::internal::ListAdd(nw, head->prev, head);
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* __list_del_entry - unlink @entry, leaving its own links as they were. */
static inline void __list_del_entry(struct list_head *entry)
{
	::rtfuzz::kapi::internal::ListDelEntry(entry);
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_del - unlink @entry and poison it. One write point. */
static inline void list_del(struct list_head *entry)
{
	::rtfuzz::kapi::internal::ListDelEntry(entry);
	entry->next = LIST_POISON1;
	entry->prev = LIST_POISON2;
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_del_init - unlink @entry and make it an empty list. One write point. */
static inline void list_del_init(struct list_head *entry)
{
	::rtfuzz::kapi::internal::ListDelEntry(entry);
	::rtfuzz::kapi::internal::ListInit(entry);
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_replace - put @nw in @old's place; @old's links are left stale. */
static inline void list_replace(struct list_head *old, struct list_head *nw)
{
	nw->next = old->next;
	nw->next->prev = nw;
	nw->prev = old->prev;
	nw->prev->next = nw;
	::rtfuzz::kapi::internal::ListWritePoint();
}

static inline void list_replace_init(struct list_head *old, struct list_head *nw)
{
	nw->next = old->next;
	nw->next->prev = nw;
	nw->prev = old->prev;
	nw->prev->next = nw;
	::rtfuzz::kapi::internal::ListInit(old);
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_move - delete @list from its list and add it after @head. */
static inline void list_move(struct list_head *list, struct list_head *head)
{
	::rtfuzz::kapi::internal::ListDelEntry(list);
	::rtfuzz::kapi::internal::ListAdd(list, head, head->next);
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_move_tail - delete @list from its list and add it before @head. */
static inline void list_move_tail(struct list_head *list, struct list_head *head)
{
	::rtfuzz::kapi::internal::ListDelEntry(list);
	::rtfuzz::kapi::internal::ListAdd(list, head->prev, head);
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_rotate_left - move the first entry to the tail. One write point. */
static inline void list_rotate_left(struct list_head *head)
{
	if (head->next != head) {
		struct list_head *first = head->next;

		::rtfuzz::kapi::internal::ListDelEntry(first);
		::rtfuzz::kapi::internal::ListAdd(first, head->prev, head);
	}
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_splice - join @list after @head; @list is left stale. */
static inline void list_splice(const struct list_head *list, struct list_head *head)
{
	if (list->next != list)
		::rtfuzz::kapi::internal::ListSplice(list, head, head->next);
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_splice_tail - join @list before @head; @list is left stale. */
static inline void list_splice_tail(struct list_head *list, struct list_head *head)
{
	if (list->next != list)
		::rtfuzz::kapi::internal::ListSplice(list, head->prev, head);
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_splice_init - join @list after @head and reinitialise @list. */
static inline void list_splice_init(struct list_head *list, struct list_head *head)
{
	if (list->next != list) {
		::rtfuzz::kapi::internal::ListSplice(list, head, head->next);
		::rtfuzz::kapi::internal::ListInit(list);
	}
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_splice_tail_init - join @list before @head and reinitialise @list. */
static inline void list_splice_tail_init(struct list_head *list, struct list_head *head)
{
	if (list->next != list) {
		::rtfuzz::kapi::internal::ListSplice(list, head->prev, head);
		::rtfuzz::kapi::internal::ListInit(list);
	}
	::rtfuzz::kapi::internal::ListWritePoint();
}

/* list_is_head - whether @list is @head. Not a point: no memory read. */
static inline int list_is_head(const struct list_head *list, const struct list_head *head)
{
	return list == head;
}

/* list_is_first - whether @list is the first entry of @head. One read point. */
static inline int list_is_first(const struct list_head *list, const struct list_head *head)
{
	const int ret = list->prev == head;

	::rtfuzz::kapi::internal::ListReadPoint(ret);
	return ret;
}

/* list_is_last - whether @list is the last entry of @head. One read point. */
static inline int list_is_last(const struct list_head *list, const struct list_head *head)
{
	const int ret = list->next == head;

	::rtfuzz::kapi::internal::ListReadPoint(ret);
	return ret;
}

/* list_empty - whether the list is empty. One read point. */
static inline int list_empty(const struct list_head *head)
{
	const int ret = head->next == head;

	::rtfuzz::kapi::internal::ListReadPoint(ret);
	return ret;
}

/*
 * list_empty_careful - empty and not being modified. One read point: with
 * indivisible list operations, never a half-done one.
 */
static inline int list_empty_careful(const struct list_head *head)
{
	const struct list_head *next = head->next;
	const int ret = next == head && next == head->prev;

	::rtfuzz::kapi::internal::ListReadPoint(ret);
	return ret;
}

/* list_is_singular - whether the list has exactly one entry. One read point. */
static inline int list_is_singular(const struct list_head *head)
{
	const int ret = head->next != head && head->next == head->prev;

	::rtfuzz::kapi::internal::ListReadPoint(ret);
	return ret;
}

namespace rtfuzz::kapi::internal {

template <typename Type, typename Member>
inline Type *ListFirstEntryOrNull(struct list_head *head, size_t offset)
{
	static_assert(std::is_same_v<Member, struct list_head>,
		      "list_first_entry_or_null(): member is not a struct list_head");
	struct list_head *first = head->next;

	ListReadPoint(first != head);
	return first != head ? ContainerOf<Type, Member>(first, offset) : nullptr;
}

}  // namespace rtfuzz::kapi::internal

#define list_entry(ptr, type, member)		container_of(ptr, type, member)
#define list_first_entry(ptr, type, member)	list_entry((ptr)->next, type, member)
#define list_last_entry(ptr, type, member)	list_entry((ptr)->prev, type, member)
#define list_next_entry(pos, member)					\
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_prev_entry(pos, member)					\
	list_entry((pos)->member.prev, __typeof__(*(pos)), member)
#define list_entry_is_head(pos, head, member)	list_is_head(&(pos)->member, (head))

/* list_first_entry_or_null - the first entry or NULL. One read point. */
#define list_first_entry_or_null(ptr, type, member)			\
	(::rtfuzz::kapi::internal::ListFirstEntryOrNull<type,		\
		__typeof__(((type *)0)->member)>((ptr), offsetof(type, member)))

#define list_for_each(pos, head)					\
	for (pos = (head)->next; !list_is_head(pos, (head)); pos = pos->next)

#define list_for_each_safe(pos, n, head)				\
	for (pos = (head)->next, n = pos->next;				\
	     !list_is_head(pos, (head));					\
	     pos = n, n = pos->next)

#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, __typeof__(*pos), member);	\
	     !list_entry_is_head(pos, head, member);			\
	     pos = list_next_entry(pos, member))

#define list_for_each_entry_reverse(pos, head, member)			\
	for (pos = list_last_entry(head, __typeof__(*pos), member);	\
	     !list_entry_is_head(pos, head, member);			\
	     pos = list_prev_entry(pos, member))

#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_first_entry(head, __typeof__(*pos), member),	\
		n = list_next_entry(pos, member);			\
	     !list_entry_is_head(pos, head, member);			\
	     pos = n, n = list_next_entry(n, member))

#endif  /* RTFUZZ_KAPI_LINUX_LIST_H_ */
