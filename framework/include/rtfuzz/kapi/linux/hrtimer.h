/* framework/include/rtfuzz/kapi/linux/hrtimer.h
 *
 * <linux/hrtimer.h>: high-resolution timers on the machine's timer handlers
 * (rt::Scenario::AddTimer, rt::ArmTimer; docs/architecture.md#ktimers).
 * A HRTIMER_MODE_*_HARD timer's callback runs in hardirq context; a soft one
 * in softirq context without PREEMPT_RT and in ktimers/N (SCHED_FIFO 1, task
 * context, may block) on PREEMPT_RT.
 *
 * The machine's interrupts are declared with the scenario, so each timer is
 * declared once at scenario build time with rtfuzz_hrtimer_declare(scenario,
 * &timer, cpu, mode), outside any execution; target code then calls
 * hrtimer_setup()/hrtimer_init() and hrtimer_start() as in the kernel.
 *
 * Modeled: hrtimer_setup, hrtimer_init (mode HARD or not must match the
 *   declaration: WARN otherwise), hrtimer_start (ABS/REL; PINNED or not, the
 *   timer fires on its declared CPU), hrtimer_start_range_ns (slack
 *   ignored), hrtimer_forward, hrtimer_forward_now, HRTIMER_RESTART
 *   (re-armed at the new expiry when the callback returns),
 *   hrtimer_try_to_cancel, hrtimer_cancel, hrtimer_get_expires.
 * Scheduling points: hrtimer_start*, hrtimer_*cancel (one each, op kTimer),
 *   hrtimer_forward_now (the clock read), a restart (one).
 * Not modeled: timer migration, the clock bases (every clock is the
 *   machine's virtual time), hrtimer_cancel() waiting for a running
 *   callback and try_to_cancel's -1 (a running callback is not seen).
 */
#ifndef RTFUZZ_KAPI_LINUX_HRTIMER_H_
#define RTFUZZ_KAPI_LINUX_HRTIMER_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/bug.h"
#include "rtfuzz/kapi/linux/ktime.h"
#include "rtfuzz/rt/scenario.h"

enum hrtimer_restart {
	HRTIMER_NORESTART,
	HRTIMER_RESTART,
};

/* The kernel's values. */
enum hrtimer_mode {
	HRTIMER_MODE_ABS	= 0x00,
	HRTIMER_MODE_REL	= 0x01,
	HRTIMER_MODE_PINNED	= 0x02,
	HRTIMER_MODE_SOFT	= 0x04,
	HRTIMER_MODE_HARD	= 0x08,

	HRTIMER_MODE_ABS_PINNED = HRTIMER_MODE_ABS | HRTIMER_MODE_PINNED,
	HRTIMER_MODE_REL_PINNED = HRTIMER_MODE_REL | HRTIMER_MODE_PINNED,

	HRTIMER_MODE_ABS_SOFT	= HRTIMER_MODE_ABS | HRTIMER_MODE_SOFT,
	HRTIMER_MODE_REL_SOFT	= HRTIMER_MODE_REL | HRTIMER_MODE_SOFT,
	HRTIMER_MODE_ABS_PINNED_SOFT = HRTIMER_MODE_ABS_PINNED | HRTIMER_MODE_SOFT,
	HRTIMER_MODE_REL_PINNED_SOFT = HRTIMER_MODE_REL_PINNED | HRTIMER_MODE_SOFT,

	HRTIMER_MODE_ABS_HARD	= HRTIMER_MODE_ABS | HRTIMER_MODE_HARD,
	HRTIMER_MODE_REL_HARD	= HRTIMER_MODE_REL | HRTIMER_MODE_HARD,
	HRTIMER_MODE_ABS_PINNED_HARD = HRTIMER_MODE_ABS_PINNED | HRTIMER_MODE_HARD,
	HRTIMER_MODE_REL_PINNED_HARD = HRTIMER_MODE_REL_PINNED | HRTIMER_MODE_HARD,
};

struct hrtimer {
	enum hrtimer_restart (*function)(struct hrtimer *);
	ktime_t expires;
	/* rtfuzz: the declaration (rtfuzz_hrtimer_declare). */
	rtfuzz::rt::HandlerId rtfuzz_handler;
	int rtfuzz_cpu;
	bool rtfuzz_declared;
	bool rtfuzz_hard;
};

namespace rtfuzz::kapi::internal {
inline void HrtimerArm(struct hrtimer *timer)
{
	rtfuzz::rt::ArmTimer(timer->rtfuzz_handler, timer->rtfuzz_cpu,
			     timer->expires < 0 ? 0 : static_cast<uint64_t>(timer->expires));
}

inline void HrtimerExpire(struct hrtimer *timer)
{
	if (timer->function(timer) == HRTIMER_RESTART)
		HrtimerArm(timer);
}
}  // namespace rtfuzz::kapi::internal

/*
 * rtfuzz: declares `timer` on `scenario` (a timer handler on `cpu`, hard iff
 * `mode` has HRTIMER_MODE_HARD, not armed). Scenario build time only; the
 * timer object must outlive the scenario's runs.
 */
static inline void rtfuzz_hrtimer_declare(rtfuzz::rt::Scenario &scenario, struct hrtimer *timer,
					  int cpu, enum hrtimer_mode mode)
{
	timer->function = nullptr;
	timer->expires = 0;
	timer->rtfuzz_cpu = cpu;
	timer->rtfuzz_declared = true;
	timer->rtfuzz_hard = (mode & HRTIMER_MODE_HARD) != 0;
	timer->rtfuzz_handler = scenario.AddTimer({
		.name = "hrtimer",
		.cpus = rtfuzz::rt::Cpu(cpu),
		.first_ns = rtfuzz::rt::Trigger::kNotArmed,
		.hard = timer->rtfuzz_hard,
		.callback = [timer] { rtfuzz::kapi::internal::HrtimerExpire(timer); },
	});
}

static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 int clock_id, enum hrtimer_mode mode)
{
	(void)clock_id;
	BUG_ON(!timer->rtfuzz_declared);	/* rtfuzz_hrtimer_declare() first. */
	WARN_ON(((mode & HRTIMER_MODE_HARD) != 0) != timer->rtfuzz_hard);
	timer->function = function;
	timer->expires = 0;
}

/* The older form: function is assigned afterwards. */
static inline void hrtimer_init(struct hrtimer *timer, int clock_id, enum hrtimer_mode mode)
{
	hrtimer_setup(timer, nullptr, clock_id, mode);
}

static inline ktime_t hrtimer_get_expires(const struct hrtimer *timer)
{
	return timer->expires;
}

static inline void hrtimer_start_range_ns(struct hrtimer *timer, ktime_t tim, u64 delta_ns,
					  enum hrtimer_mode mode)
{
	(void)delta_ns;
	BUG_ON(timer->function == nullptr);
	if (mode & HRTIMER_MODE_REL)
		tim += static_cast<ktime_t>(rtfuzz::rt::Now());
	timer->expires = tim;
	rtfuzz::kapi::internal::HrtimerArm(timer);
}

static inline void hrtimer_start(struct hrtimer *timer, ktime_t tim, enum hrtimer_mode mode)
{
	hrtimer_start_range_ns(timer, tim, 0, mode);
}

/* 1 if a pending expiry was removed, 0 if none was pending. */
static inline int hrtimer_try_to_cancel(struct hrtimer *timer)
{
	return rtfuzz::rt::CancelTimer(timer->rtfuzz_handler, timer->rtfuzz_cpu) ? 1 : 0;
}

static inline int hrtimer_cancel(struct hrtimer *timer)
{
	return hrtimer_try_to_cancel(timer);
}

/* Moves the expiry forward by whole intervals past `now`; the overruns. */
static inline u64 hrtimer_forward(struct hrtimer *timer, ktime_t now, ktime_t interval)
{
	if (now < timer->expires || interval <= 0)
		return 0;
	const u64 overruns = static_cast<u64>((now - timer->expires) / interval) + 1;
	timer->expires += static_cast<ktime_t>(overruns) * interval;
	return overruns;
}

static inline u64 hrtimer_forward_now(struct hrtimer *timer, ktime_t interval)
{
	return hrtimer_forward(timer, static_cast<ktime_t>(rtfuzz::rt::Now()), interval);
}

#endif /* RTFUZZ_KAPI_LINUX_HRTIMER_H_ */
