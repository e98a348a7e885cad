/* targets/userkit/scenarios.h
 *
 * The lock author's kit, used as a user would (mailbox.h, stamp.h: kapi's
 * public headers only): <linux/sched.h>'s sleeping and waking, wait queues,
 * seqcounts, seqlocks and latches, each with the bug a user would plant.
 * Variants belong to scenarios here: each scenario takes its own pair.
 *
 * Scenarios and the variants each takes (the first is the default):
 *   waiter           2 CPUs: a consumer waits for a post on a wait queue,
 *                    then acks to a poller that sleeps with
 *                    schedule_timeout() (giving up after 3 timeouts)
 *     prepare-first     the kernel's prepare_to_wait protocol: clean
 *     check-then-sleep  test, then join the queue: a lost wakeup, found as
 *                       hang naming post_wq
 *   waiter-1cpu      the same on one CPU, no interrupts: nothing to choose,
 *                    so every execution is the same one (explore says so and
 *                    stops after one; the lost wakeup cannot show)
 *   seqcount-nmi     2 CPUs: a writer on CPU0 (3 updates), a task reader on
 *                    CPU1, and an NMI on CPU0 (any step, once) that reads
 *     latch             seqcount_latch_t: readers never wait: clean
 *     seqcount          seqcount_t: the NMI spins on the count of the writer
 *                       it interrupted: a deadlock naming the seqcount
 *   seqlock-contend  3 CPUs: writers on CPU0 and CPU1, a reader on CPU2
 *     seqlock           seqlock_t writers, and raw_write_seqcount_* under a
 *                       raw spinlock: clean
 *     raw-checked       write_seqcount_begin() on a seqcount_raw_spinlock_t
 *                       (its lockdep assertion): clean
 * Every reader checks sec == nsec (BUG_ON); end checks count the rounds.
 */

#ifndef TARGETS_USERKIT_SCENARIOS_H_
#define TARGETS_USERKIT_SCENARIOS_H_

#include <string_view>
#include <vector>

#include "rtfuzz/rt/scenario.h"

namespace rtfuzz::targets::userkit {

const std::vector<std::string_view>& ScenarioNames();
const std::vector<std::string_view>& VariantNames();  // Of every scenario.
// The variants `scenario` takes, default first.
std::vector<std::string_view> ScenarioVariants(std::string_view scenario);
// `scenario` and `variant` must be names ScenarioVariants() allows.
rt::Scenario MakeScenario(std::string_view scenario, std::string_view variant);

}  // namespace rtfuzz::targets::userkit

#endif  // TARGETS_USERKIT_SCENARIOS_H_
