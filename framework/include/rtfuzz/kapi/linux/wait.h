/* framework/include/rtfuzz/kapi/linux/wait.h
 *
 * <linux/wait.h> wait queues: a task adds itself, sets itself to sleep,
 * re-checks its condition and schedules; a waker calls wake_up(). The
 * protocol is the kernel's, so a waker that runs between the check and the
 * schedule is not lost, and a waiter that checks before adding itself is a
 * reachable lost wakeup.
 *
 * Modeled: wait_queue_head_t, DECLARE_WAIT_QUEUE_HEAD, init_waitqueue_head,
 *   DEFINE_WAIT, init_wait, prepare_to_wait, prepare_to_wait_exclusive,
 *   finish_wait, add_wait_queue, remove_wait_queue, waitqueue_active,
 *   wake_up, wake_up_all, wake_up_nr (as wake_up), wait_event(wq, cond),
 *   autoremove_wake_function and default_wake_function. Exclusive waiters:
 *   wake_up wakes all non-exclusive and one exclusive waiter.
 * Scheduling points: each queue operation is one point (the queue's own
 *   spinlock is not modeled: every operation is atomic), plus the waker's
 *   rt::Wake and the waiter's set_current_state/schedule.
 * Not modeled: interruptible/killable sleeps, timeouts, custom wake keys.
 * Shadows the UAPI <linux/wait.h> (only its W* constants): target code must
 * not include libc's <sys/wait.h>.
 */
#ifndef RTFUZZ_KAPI_LINUX_WAIT_H_
#define RTFUZZ_KAPI_LINUX_WAIT_H_

#include <vector>

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/object_id.h"
#include "rtfuzz/kapi/linux/sched.h"

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, unsigned mode,
				 int flags, void *key);

#define WQ_FLAG_EXCLUSIVE	0x01

struct wait_queue_entry {
	unsigned int flags;
	int task;		/* rt::TaskId of the waiter, -1 if none */
	wait_queue_func_t func;
	struct wait_queue_entry *prev, *next;	/* null when not queued */
	bool queued;
};
typedef struct wait_queue_entry wait_queue_entry_t;

struct wait_queue_head {
	struct wait_queue_entry *first, *last;
	const char *name;		/* in trace records, like a lock's */
	struct rtfuzz_kapi_obj rtfuzz_obj;	/* the queue's id in traces */
};
typedef struct wait_queue_head wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) { nullptr, nullptr, #name, RTFUZZ_KAPI_OBJ_INIT }
#define DECLARE_WAIT_QUEUE_HEAD(name) \
	struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

static inline void rtfuzz_kapi_init_waitqueue_head(struct wait_queue_head *wq_head,
						   const char *name)
{
	wq_head->first = wq_head->last = nullptr;
	wq_head->name = name;
	wq_head->rtfuzz_obj = RTFUZZ_KAPI_OBJ_INIT;
}
/* Named in reports by the variable that holds it (debug info). */
#define init_waitqueue_head(wq_head) rtfuzz_kapi_init_waitqueue_head((wq_head), nullptr)

/* Wakes the entry's task; 1 if it was sleeping. */
static inline int default_wake_function(struct wait_queue_entry *wq_entry, unsigned, int,
					void *)
{
	if (wq_entry->task < 0) return 0;
	rtfuzz_kapi_task(wq_entry->task)->__state = TASK_RUNNING;
	return rtfuzz::rt::Wake(static_cast<rtfuzz::rt::TaskId>(wq_entry->task));
}

namespace rtfuzz::kapi::internal {
inline void WqAdd(struct wait_queue_head *h, struct wait_queue_entry *e, bool tail)
{
	e->queued = true;
	/* What a hang names when the task sleeps (linux/sched.h). */
	if (e->task >= 0) rtfuzz_kapi_task(e->task)->rtfuzz_wait_queue = h;
	if (h->first == nullptr) {
		e->prev = e->next = nullptr;
		h->first = h->last = e;
	} else if (tail) {
		e->next = nullptr;
		e->prev = h->last;
		h->last->next = e;
		h->last = e;
	} else {
		e->prev = nullptr;
		e->next = h->first;
		h->first->prev = e;
		h->first = e;
	}
}

inline void WqDel(struct wait_queue_head *h, struct wait_queue_entry *e)
{
	if (e->prev) e->prev->next = e->next; else h->first = e->next;
	if (e->next) e->next->prev = e->prev; else h->last = e->prev;
	e->prev = e->next = nullptr;
	e->queued = false;
}

/*
 * The waiter itself leaves the queue (finish_wait, remove_wait_queue): from
 * here its sleeps are not on this queue. A waker's autoremove does not count:
 * a task woken before it slept (a lost wakeup) still sleeps "on" the queue.
 */
inline void WqLeft(struct wait_queue_head *h, struct wait_queue_entry *e)
{
	if (e->task < 0) return;
	struct task_struct *t = rtfuzz_kapi_task(e->task);
	if (t->rtfuzz_wait_queue == h) t->rtfuzz_wait_queue = nullptr;
}

/*
 * One point for a queue operation, recorded on the queue's object id (a
 * named object in traces): `value` is the number of tasks it woke for a
 * wakeup, whether the queue is active for a query, else 0.
 */
inline void WqPoint(struct wait_queue_head *h, rt::Op op, uint64_t value = 0)
{
	rt::Point(op, rtfuzz_kapi_named_object_id(&h->rtfuzz_obj, h->name), value,
		  op == rt::Op::kWrite ? uint32_t{rt::kPointWrite} : uint32_t{rt::kPointRead});
}

/*
 * prepare_to_wait{,_exclusive}(): the state first, then the entry. The
 * kernel does both under the queue's lock, so a waker that finds the entry
 * always finds a task about to sleep and its wakeup is not lost.
 */
inline void PrepareToWait(struct wait_queue_head *h, struct wait_queue_entry *e, int state,
			  bool exclusive)
{
	if (exclusive)
		e->flags |= WQ_FLAG_EXCLUSIVE;
	else
		e->flags &= ~WQ_FLAG_EXCLUSIVE;
	get_current()->rtfuzz_wait_queue = h;
	SetTaskState(static_cast<unsigned int>(state));
	if (!e->queued) WqAdd(h, e, /*tail=*/exclusive);
	WqPoint(h, rt::Op::kWrite);
}

/* The waiter takes its entry off the queue (if a waker has not). */
inline void WqLeave(struct wait_queue_head *h, struct wait_queue_entry *e)
{
	if (e->queued) WqDel(h, e);
	WqLeft(h, e);
	WqPoint(h, rt::Op::kWrite);
}
}  // namespace rtfuzz::kapi::internal

/* Wakes the task and takes the entry off the queue. */
static inline int autoremove_wake_function(struct wait_queue_entry *wq_entry, unsigned mode,
					   int sync, void *key)
{
	return default_wake_function(wq_entry, mode, sync, key);
}

#define DEFINE_WAIT_FUNC(name, function)					\
	struct wait_queue_entry name = { 0, static_cast<int>(rtfuzz::rt::CurrentTask()), \
					 function, nullptr, nullptr, false }
#define DEFINE_WAIT(name) DEFINE_WAIT_FUNC(name, autoremove_wake_function)

static inline void init_wait(struct wait_queue_entry *wq_entry)
{
	wq_entry->flags = 0;
	wq_entry->task = rtfuzz::rt::CurrentTask();
	wq_entry->func = autoremove_wake_function;
	wq_entry->prev = wq_entry->next = nullptr;
	wq_entry->queued = false;
}

static inline void add_wait_queue(struct wait_queue_head *wq_head,
				  struct wait_queue_entry *wq_entry)
{
	wq_entry->flags &= ~WQ_FLAG_EXCLUSIVE;
	rtfuzz::kapi::internal::WqAdd(wq_head, wq_entry, /*tail=*/false);
	rtfuzz::kapi::internal::WqPoint(wq_head, rtfuzz::rt::Op::kWrite);
}

static inline void remove_wait_queue(struct wait_queue_head *wq_head,
				     struct wait_queue_entry *wq_entry)
{
	rtfuzz::kapi::internal::WqLeave(wq_head, wq_entry);
}

/* Queues the entry if it is not, then set_current_state(state). */
static inline void prepare_to_wait(struct wait_queue_head *wq_head,
				   struct wait_queue_entry *wq_entry, int state)
{
	rtfuzz::kapi::internal::PrepareToWait(wq_head, wq_entry, state, /*exclusive=*/false);
}

static inline void prepare_to_wait_exclusive(struct wait_queue_head *wq_head,
					     struct wait_queue_entry *wq_entry, int state)
{
	rtfuzz::kapi::internal::PrepareToWait(wq_head, wq_entry, state, /*exclusive=*/true);
}

/* Running again, and off the queue. */
static inline void finish_wait(struct wait_queue_head *wq_head,
			       struct wait_queue_entry *wq_entry)
{
	rtfuzz::kapi::internal::SetTaskState(TASK_RUNNING);
	rtfuzz::kapi::internal::WqLeave(wq_head, wq_entry);
}

static inline bool waitqueue_active(struct wait_queue_head *wq_head)
{
	const bool active = wq_head->first != nullptr;
	rtfuzz::kapi::internal::WqPoint(wq_head, rtfuzz::rt::Op::kRead, active);
	return active;
}

/*
 * Wakes every non-exclusive waiter and up to nr_exclusive exclusive ones
 * (0 = all). The kernel walks the queue under its lock, so no waiter can
 * leave (and free its on-stack entry) mid-walk; here the walk is one step:
 * entries are chosen, and autoremove entries taken off the queue, before the
 * first wakeup, whose point lets the woken tasks run. A custom wake function
 * is called after the walk too; its entry must outlive the call, as in the
 * kernel. Exclusive entries count toward nr_exclusive whether or not their
 * task was still asleep (the kernel counts only successful wakeups).
 */
static inline void __wake_up(struct wait_queue_head *wq_head, unsigned mode,
			     int nr_exclusive, void *key)
{
	std::vector<struct wait_queue_entry *> custom;
	std::vector<int> tasks;
	for (struct wait_queue_entry *e = wq_head->first; e != nullptr;) {
		struct wait_queue_entry *next = e->next;
		const bool exclusive = e->flags & WQ_FLAG_EXCLUSIVE;
		if (e->func == autoremove_wake_function) {
			tasks.push_back(e->task);
			rtfuzz::kapi::internal::WqDel(wq_head, e);
		} else if (e->func == default_wake_function) {
			tasks.push_back(e->task);
		} else {
			custom.push_back(e);
		}
		if (exclusive && nr_exclusive > 0 && --nr_exclusive == 0)
			break;
		e = next;
	}
	rtfuzz::kapi::internal::WqPoint(wq_head, rtfuzz::rt::Op::kWrite,
					tasks.size() + custom.size());
	if (tasks.empty() && custom.empty())
		rtfuzz::rt::NoteWakeup(wq_head, -1);
	for (int task : tasks) {
		rtfuzz::rt::NoteWakeup(wq_head, task);
		if (task >= 0) {
			rtfuzz_kapi_task(task)->__state = TASK_RUNNING;
			rtfuzz::rt::Wake(static_cast<rtfuzz::rt::TaskId>(task));
		}
	}
	for (struct wait_queue_entry *e : custom)
		e->func(e, mode, 0, key);
}

#define wake_up(x)		__wake_up(x, TASK_UNINTERRUPTIBLE, 1, nullptr)
#define wake_up_nr(x, nr)	__wake_up(x, TASK_UNINTERRUPTIBLE, nr, nullptr)
#define wake_up_all(x)		__wake_up(x, TASK_UNINTERRUPTIBLE, 0, nullptr)

/* Sleeps until `condition` is true; re-checked after every wakeup. */
#define wait_event(wq_head, condition)						\
	do {									\
		DEFINE_WAIT(__wait);						\
		for (;;) {							\
			prepare_to_wait(&(wq_head), &__wait, TASK_UNINTERRUPTIBLE); \
			if (condition)						\
				break;						\
			schedule();						\
		}								\
		finish_wait(&(wq_head), &__wait);				\
	} while (0)

#endif /* RTFUZZ_KAPI_LINUX_WAIT_H_ */
