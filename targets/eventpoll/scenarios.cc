// targets/eventpoll/scenarios.cc: the scenarios of scenarios.h.

#include "scenarios.h"

#include <string>

#include "eventpoll.h"
#include "rtfuzz/base/check.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/context.h"

#include <asm/processor.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>

namespace rtfuzz::targets::eventpoll {
namespace {

constexpr int kItems = 5;
constexpr int kMaxEvents = 2;
constexpr int kMaxItems = 9;  // storm: 8 perf events and the stop eventfd

struct eventpoll ep;
struct ep_source src[kMaxItems];
struct epitem items[kMaxItems];
const char* const kNames[kItems] = {"efd-a", "efd-b", "efd-c", "efd-d", "efd-stop"};

// invariants: the stop protocol (user-space state, through kapi).
atomic_t tasks_left;   // writer and ctl
atomic_t in_flight;    // interrupt producers between begin and end
int stopping;
struct irq_work perf_work;

// inversion: whether the device interrupt woke the hog.
int hog_kicked;

void ResetEp(const eventpoll_variant& v, int nr_items, const char* const* names = kNames) {
  eventpoll_cfg = v;
  ep_init_plain(&ep);
  for (int i = 0; i < nr_items; ++i) {
    ep_source_init_plain(&src[i], names[i], 0);
    ep_item_init_plain(&items[i], &ep, &src[i], names[i]);
  }
  tasks_left.counter = 0;
  in_flight.counter = 0;
  stopping = 0;
  hog_kicked = 0;
}

void AddEndChecks(rt::Scenario& s) {
  s.AddEndCheck("EP-I1 no lost event: every watched eventfd was read to 0, none claimed off-list",
                [] { return ep_ghost_end_no_lost_event(&ep); });
  s.AddEndCheck("EP-I2 no double link: ready list and ovflist at rest match the ghost",
                [] { return ep_ghost_end_lists_consistent(&ep); });
  s.AddEndCheck("EP-I3 no lost wakeup: nobody left on ep->wq",
                [] { return ep_ghost_end_no_sleeper(&ep); });
}

// Every scenario's progress mark (ArmProgress): epoll_wait returned events
// to user space.
constexpr rt::MarkId kDeliveredMark = 0;

// The oracle budgets of every scenario; `progress_ns`, no events delivered
// for that long, is each scenario's own (derived where it is called).
void ArmProgress(rt::Scenario& s, uint64_t progress_ns) {
  const rt::MarkId delivered = s.AddMark("epoll_wait returned events");
  RTFUZZ_CHECK(delivered == kDeliveredMark, "the scenario's first mark");
  rt::OracleBudgets& b = s.budgets();
  b.progress_ns = progress_ns;
  // kapi's locks never time out, so a cycle never dissolves by itself; a
  // wait on one is reported once it outlasts every wait a scenario allows
  // (the inversion hog's 5 ms sleep and 3 ms busy loop, the longest).
  b.deadlock_ns = 10 * NSEC_PER_MSEC;
  // ep->lock's sections are a callback or a scan of a few events, under
  // 1,000 points (10 µs); the intermediate task that can keep a holder off
  // its CPU is the inversion hog, busy for 3 ms. A bound between the two
  // reports the inversion and never a section: 1 ms.
  b.inversion_ns = NSEC_PER_MSEC;
}

// epoll_wait() as user space sees it: events returned are progress.
int UserEpollWait(struct eventpoll* e, struct epitem** ev, int maxevents, bool block) {
  const int n = ep_poll(e, ev, maxevents, block);
  if (n > 0) rt::Progress(kDeliveredMark);
  return n;
}

// A busy loop on the clock (cpu_relax(): the machine warps over it).
void Busy(uint64_t ns) {
  const uint64_t end = ktime_get_ns() + ns;
  while (ktime_get_ns() < end) cpu_relax();
}

// --- invariants ---

// Every event is produced in the first 11 µs (the hrtimer at 3 µs and two
// 4 µs periods; the counter-overflow producers within their first 300
// points, 10 ns each) and delivered by the consumer's next scan, a few
// hundred points (a few µs): 20 µs without a delivery is no legitimate run.
constexpr uint64_t kInvariantsProgressNs = 20 * NSEC_PER_USEC;

bool ProducerBegin() {
  atomic_inc(&in_flight);
  if (READ_ONCE(stopping)) {
    atomic_dec(&in_flight);
    return false;
  }
  return true;
}

void ProducerEnd() { atomic_dec(&in_flight); }

// The last task stops the interrupt producers, waits for those in flight,
// then signals the stop eventfd.
void TaskDone() {
  if (!atomic_dec_and_test(&tasks_left)) return;
  WRITE_ONCE(stopping, 1);
  while (atomic_read(&in_flight) != 0) cpu_relax();
  ep_source_signal(&src[4]);
}

void PerfWakeup(struct irq_work*) {
  ep_source_wake(&src[0]);
  ProducerEnd();
}


// --- bandwidth ---

// Jan Kiszka's reproducer (spec 2.6), scaled to the machine: a fifo
// written in a loop by a task in a cpu.max-limited group, and a timerfd.
constexpr int kBwWrites = 100;
constexpr uint64_t kBwWork = 32;  // user-space work between writes: [0, 32) loads
constexpr uint64_t kTfdInterval = 10 * NSEC_PER_USEC;
// cpu.max "25 50" (µs): Jan's "1000 2000" scaled to the machine.
constexpr uint64_t kBwPeriodNs = 50 * NSEC_PER_USEC;
const char* const kBwNames[3] = {"fifo", "timerfd", "efd-stop"};
struct hrtimer tfd_timer;  // the timerfd's hrtimer (declared per scenario)
unsigned long user_buf;    // the writer's user-space data

// timerfd_tmrproc(): ticks++ and wake_up on the timerfd's wait queue (the
// eventfd-like source), then the periodic re-arm (it_interval).
enum hrtimer_restart timerfd_tmrproc(struct hrtimer* timer) {
  if (!ProducerBegin()) return HRTIMER_NORESTART;
  ep_source_signal(&src[1]);
  ProducerEnd();
  hrtimer_forward_now(timer, kTfdInterval);
  return HRTIMER_RESTART;
}

// --- storm ---

constexpr int kStormCpus = 8;
constexpr int kStormConsumerCpu = 1;  // isolated (nohz_full)
constexpr uint64_t kStormDuration = 40 * NSEC_PER_USEC;
constexpr uint64_t kStormTickFirst = 1 * NSEC_PER_USEC;
constexpr uint64_t kStormTickEvery = 10 * NSEC_PER_USEC;
constexpr uint32_t kStormTicks = 2;  // device interrupts per CPU: the external input
constexpr unsigned long kIrqDevice = 1, kIrqResched = 2;
// The storm's noise budget (spec 2.7): reschedule IPIs to the isolated CPUs
// (1..7, where eosnoise's hooks run, as the seed's nohz_full cores) per
// external interrupt (rt::OracleBudgets). Each device interrupt is traced:
// one sample, one perf wakeup, one ep_poll_callback. That callback causes at
// most 3 wakeups that can cross CPUs: it wakes the consumer once (an IPI if
// it sleeps); on RT, where ep->lock sleeps, it is woken once itself if it
// blocked on the lock, and, as the last reader of an rwlock, it lets the
// blocked writer (the consumer) in once. Every IPI is charged to the
// callback whose wakeup sent it, so while IPIs do not cause IPIs the
// isolated CPUs get at most 3 per external interrupt; the stop signal is
// the "+ 1" the oracle allows. A sample taken in an IPI's own irq entry
// whose callback blocks or wakes again is the loop: it grows with the
// run's length, not its input.
constexpr uint32_t kStormIpisPerExternal = 3;
const char* const kStormNames[kStormCpus + 1] = {"perf-0", "perf-1", "perf-2", "perf-3",
                                                 "perf-4", "perf-5", "perf-6", "perf-7",
                                                 "efd-stop"};
atomic_t perf_pending[kStormCpus];  // the perf event's pending wakeup (irq_work PENDING)
rt::HandlerId perf_wakeup_handler;
StormStats storm;

// irq_handler_entry: fired by every traced interrupt's entry (device
// interrupts and the reschedule IPI's entry).
DEFINE_TRACEPOINT(irq_handler_entry);

// The BPF program on irq_handler_entry: bpf_perf_event_output() into this
// CPU's PERF_COUNT_SW_BPF_OUTPUT event (one eventfd-like source per CPU, all
// in ONE epoll instance, as libbpf's perf_buffer), which queues the event's
// wakeup (irq_work: hardirq without RT, a thread on RT) unless one is
// pending. wakeup_events = 1: libbpf's default wakes on every sample.
void bpf_prog_irq_entry(void*, unsigned long irq, unsigned long) {
  const int cpu = rt::CurrentCpu();
  atomic_inc(&in_flight);
  if (READ_ONCE(stopping)) {
    atomic_dec(&in_flight);
    return;
  }
  ++storm.samples;
  if (irq == kIrqResched) ++storm.ipi_samples;
  atomic_inc(&src[cpu].count);
  if (atomic_xchg(&perf_pending[cpu], 1) == 0) {
    rt::RaiseInterrupt(perf_wakeup_handler, cpu);
  } else {
    atomic_dec(&in_flight);
  }
}

// perf_pending_irq(): the wakeup of the perf event's wait queue, i.e.
// ep_poll_callback() under ep->lock.
void perf_pending_irq() {
  const int cpu = rt::CurrentCpu();
  if (atomic_xchg(&perf_pending[cpu], 0) == 0) return;
  ++storm.wakeups;
  ep_source_wake(&src[cpu]);
  atomic_dec(&in_flight);
}

// The invariants scenarios' start: a, b, c and the stop eventfd watched,
// d with data before its epoll_ctl(ADD), two user tasks to wait for.
void ResetInvariants(const eventpoll_variant& v) {
  ResetEp(v, kItems);
  ep_register_plain(&items[0]);
  ep_register_plain(&items[1]);
  ep_register_plain(&items[2]);
  ep_register_plain(&items[4]);
  src[3].count.counter = 1;
  tasks_left.counter = 2;
}

// The invariants scenarios' user space: a consumer that epoll_waits until
// the stop eventfd and then drains, a writer signalling three eventfds, and
// epoll_ctl adding d and removing c; the last of writer and epoll_ctl
// stops the producers (TaskDone).
void AddUserTasks(rt::Scenario& s) {
  s.AddTask({.name = "epoll_wait", .affinity = rt::Cpu(0), .body = [] {
               struct epitem* ev[kMaxEvents];
               bool stop = false;
               while (!stop) {
                 const int n = UserEpollWait(&ep, ev, kMaxEvents, true);
                 for (int i = 0; i < n; ++i) {
                   stop |= ev[i] == &items[4];
                   (void)ep_source_read(ev[i]->file);
                 }
               }
               int n;
               while ((n = UserEpollWait(&ep, ev, kMaxEvents, false)) > 0) {
                 for (int i = 0; i < n; ++i) (void)ep_source_read(ev[i]->file);
               }
             }});
  s.AddTask({.name = "writer", .affinity = rt::Cpu(1), .body = [] {
               ep_source_signal(&src[0]);
               ep_source_signal(&src[2]);
               ep_source_signal(&src[1]);
               ep_source_signal(&src[0]);
               TaskDone();
             }});
  s.AddTask({.name = "epoll_ctl", .affinity = rt::Cpu(1), .body = [] {
               (void)epoll_ctl_add(&ep, &items[3]);
               (void)epoll_ctl_del(&ep, &items[2]);
               TaskDone();
             }});
}

}  // namespace

rt::Scenario MakeInversion(const eventpoll_variant& v, bool preempt_rt) {
  constexpr int kEvents = 3;
  rt::Scenario s(preempt_rt ? "inversion" : "inversion-nonrt", 1);
  // The consumer (FIFO 90) gets each event as the producer (FIFO 10) makes
  // it, unless the hog (FIFO 50) runs: it sleeps 5 ms, then busy-loops 3 ms
  // if the interrupt kicked it, and may outlive the consumer. So up to 5 ms
  // + 3 ms pass without a delivery, + 1/8 warp overshoot of the busy loop.
  ArmProgress(s, 5 * NSEC_PER_MSEC + 3 * NSEC_PER_MSEC * 9 / 8);
  s.SetPreemptRt(preempt_rt);
  s.OnReset([v] {
    ResetEp(v, 1);
    ep_register_plain(&items[0]);
  });
  s.AddTask({.name = "epoll_wait", .affinity = rt::Cpu(0), .policy = rt::Policy::kFifo,
             .rt_priority = 90, .body = [] {
               struct epitem* ev[kMaxEvents];
               int consumed = 0;
               while (consumed < kEvents) {
                 const int n = UserEpollWait(&ep, ev, kMaxEvents, true);
                 for (int i = 0; i < n; ++i) consumed += ep_source_read(ev[i]->file);
               }
             }});
  s.AddTask({.name = "producer", .affinity = rt::Cpu(0), .policy = rt::Policy::kFifo,
             .rt_priority = 10, .body = [] {
               for (int i = 0; i < kEvents; ++i) ep_source_signal(&src[0]);
             }});
  const rt::TaskId hog = s.AddTask(
      {.name = "hog", .affinity = rt::Cpu(0), .policy = rt::Policy::kFifo, .rt_priority = 50,
       .body = [] {
         rt::SleepFor(5 * NSEC_PER_MSEC);
         if (READ_ONCE(hog_kicked)) Busy(3 * NSEC_PER_MSEC);
       }});
  s.AddInterrupt({.name = "eth0", .kind = rt::ContextKind::kHardirq, .cpus = rt::Cpu(0),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 160, 1),
                  .handler = [hog] {
                    WRITE_ONCE(hog_kicked, 1);
                    rt::Wake(hog);
                  }});
  AddEndChecks(s);
  return s;
}

rt::Scenario MakeInvariants(const eventpoll_variant& v) {
  rt::Scenario s("invariants", 2);
  ArmProgress(s, kInvariantsProgressNs);
  s.SetPreemptRt(false);
  s.OnReset([v] {
    ResetInvariants(v);
    init_irq_work(&perf_work, PerfWakeup);
  });
  AddUserTasks(s);
  s.AddInterrupt({.name = "eth0", .kind = rt::ContextKind::kHardirq, .cpus = rt::Cpu(0),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 200, 2),
                  .handler = [] {
                    if (!ProducerBegin()) return;
                    ep_source_signal(&src[1]);
                    ProducerEnd();
                  }});
  s.AddInterrupt({.name = "hrtimer", .kind = rt::ContextKind::kHardirq, .cpus = rt::Cpu(1),
                  .trigger = rt::Trigger::Timer(3 * NSEC_PER_USEC, 4 * NSEC_PER_USEC, 2),
                  .handler = [] {
                    if (!ProducerBegin()) return;
                    ep_source_signal(&src[1]);
                    ProducerEnd();
                  }});
  s.AddInterrupt({.name = "net-rx", .kind = rt::ContextKind::kSoftirq, .cpus = rt::Cpu(1),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 200, 1),
                  .handler = [] {
                    if (!ProducerBegin()) return;
                    ep_source_signal(&src[0]);
                    ProducerEnd();
                  }});
  // A BPF program's perf sample in an NMI: the data, then the wakeup from
  // irq_work (ep_poll_callback is never called from the NMI itself).
  s.AddInterrupt({.name = "perf", .kind = rt::ContextKind::kNmi, .cpus = rt::Cpu(0),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 300, 1),
                  .handler = [] {
                    if (!ProducerBegin()) return;
                    atomic_inc(&src[0].count);
                    if (!irq_work_queue(&perf_work)) ProducerEnd();
                  }});
  AddEndChecks(s);
  return s;
}


// The invariants scenario on PREEMPT_RT: the interrupt producers are what RT
// turns them into (a threaded irq, a soft hrtimer in ktimers/1, a
// force-threaded irq, and the perf NMI's wakeup in a force-threaded irq
// standing for RT's irq_work thread).
rt::Scenario MakeInvariantsRt(const eventpoll_variant& v) {
  rt::Scenario s("invariants-rt", 2);
  ArmProgress(s, kInvariantsProgressNs);
  s.SetPreemptRt(true);
  s.OnReset([v] { ResetInvariants(v); });
  AddUserTasks(s);
  // request_threaded_irq(): the hardirq only wakes irq/0-eth0.
  s.AddInterrupt({.name = "eth0", .kind = rt::ContextKind::kHardirq, .cpus = rt::Cpu(0),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 200, 2),
                  .handler = [] {},
                  .thread_fn = [] {
                    if (!ProducerBegin()) return;
                    ep_source_signal(&src[1]);
                    ProducerEnd();
                  }});
  // A soft hrtimer: ktimers/1 on RT.
  s.AddTimer({.name = "hrtimer", .cpus = rt::Cpu(1), .first_ns = 3 * NSEC_PER_USEC,
              .every_ns = 4 * NSEC_PER_USEC, .max_fires = 2, .hard = false, .callback = [] {
                if (!ProducerBegin()) return;
                ep_source_signal(&src[1]);
                ProducerEnd();
              }});
  // A handler without IRQF_NO_THREAD: force-threaded on RT (irq/1-net-rx).
  s.AddInterrupt({.name = "net-rx", .kind = rt::ContextKind::kHardirq, .cpus = rt::Cpu(1),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 200, 1),
                  .handler = [] {
                    if (!ProducerBegin()) return;
                    ep_source_signal(&src[0]);
                    ProducerEnd();
                  },
                  .force_threaded_on_rt = true});
  // The perf sample's wakeup: RT runs irq_work in a thread.
  const rt::HandlerId wakeup = s.AddInterrupt(
      {.name = "irq_work", .kind = rt::ContextKind::kHardirq, .cpus = rt::Cpu(0),
       .trigger = rt::Trigger::Manual(), .handler = [] {
         ep_source_wake(&src[0]);
         ProducerEnd();
       },
       .force_threaded_on_rt = true});
  s.AddInterrupt({.name = "perf", .kind = rt::ContextKind::kNmi, .cpus = rt::Cpu(0),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 300, 1),
                  .handler = [wakeup] {
                    if (!ProducerBegin()) return;
                    atomic_inc(&src[0].count);
                    rt::RaiseInterrupt(wakeup, 0);
                  }});
  AddEndChecks(s);
  return s;
}

// Spec 2.6 (seed 001's reference [2]): Jan Kiszka's reproducer as Prateek
// pinned it, on one CPU where the group's refill timer is armed.
rt::Scenario MakeBandwidth(const eventpoll_variant& v, bool preempt_rt, bool hard_refill) {
  const char* name = !preempt_rt ? "bandwidth-nonrt" : hard_refill ? "bandwidth-hard-refill"
                                                                   : "bandwidth";
  rt::Scenario s(name, 1);
  // The consumer and the writer are equal SCHED_OTHER tasks on one CPU:
  // while the writer runs its 25 µs quota the consumer waits for the CPU,
  // and when the group is throttled the writer may hold ep->lock until the
  // refill at the period's end, so one period (50 µs) can pass without a
  // delivery (the timerfd's callback then waits for ep->lock too). After
  // the refill the writer ends its section, at most kBwWork loads and one
  // callback (a few hundred points, under 1/8 of a period).
  ArmProgress(s, kBwPeriodNs + kBwPeriodNs / 8);
  s.SetPreemptRt(preempt_rt);
  s.OnReset([v] {
    ResetEp(v, 3, kBwNames);
    ep_register_plain(&items[0]);
    ep_register_plain(&items[1]);
    ep_register_plain(&items[2]);
    user_buf = 0;
  });
  const rt::GroupId slice = s.AddTaskGroup({.name = "slice", .quota_ns = kBwPeriodNs / 2,
                                            .period_ns = kBwPeriodNs, .timer_cpu = 0,
                                            .hard_timer = hard_refill});
  rtfuzz_hrtimer_declare(s, &tfd_timer, 0, HRTIMER_MODE_ABS_SOFT);
  s.AddTask({.name = "epoll-stall", .affinity = rt::Cpu(0), .body = [] {
               // timerfd_settime(): first expiry after 1 ns, then every 10 µs.
               hrtimer_setup(&tfd_timer, timerfd_tmrproc, 1 /* CLOCK_MONOTONIC */,
                             HRTIMER_MODE_ABS);
               hrtimer_start(&tfd_timer, ktime_get() + 1, HRTIMER_MODE_ABS);
               struct epitem* ev[1];
               bool stop = false;
               while (!stop) {
                 const int n = UserEpollWait(&ep, ev, 1, true);  // maxevents 1
                 for (int i = 0; i < n; ++i) {
                   stop |= ev[i] == &items[2];
                   (void)ep_source_read(ev[i]->file);
                 }
               }
               // close(): stop the timer, wait for a callback in flight, drain.
               WRITE_ONCE(stopping, 1);
               (void)hrtimer_cancel(&tfd_timer);
               while (atomic_read(&in_flight) != 0) cpu_relax();
               int n;
               while ((n = UserEpollWait(&ep, ev, 1, false)) > 0) {
                 for (int i = 0; i < n; ++i) (void)ep_source_read(ev[i]->file);
               }
             }});
  s.AddTask({.name = "epoll-stall-writer", .affinity = rt::Cpu(0), .body = [] {
               for (int i = 0; i < kBwWrites; ++i) {
                 const uint64_t work = rt::Choose(kBwWork);
                 for (uint64_t j = 0; j < work; ++j) (void)READ_ONCE(user_buf);
                 ep_source_signal(&src[0]);  // write(fifo, 1): pipe_write's wake_up
               }
               ep_source_signal(&src[2]);  // done (the model's end of the run)
             },
             .group = slice});
  AddEndChecks(s);
  return s;
}

// Spec 2.7 (seed 000): eosnoise's BPF programs on irq_handler_entry of 8
// CPUs output samples into per-CPU perf events watched by ONE epoll; the
// consumer sleeps in ep_poll on an isolated CPU; the reschedule IPI's entry
// is itself traced. A stopper on the housekeeping CPU0 ends the run after
// 40 µs of virtual time.
rt::Scenario MakeStorm(const eventpoll_variant& v, bool preempt_rt) {
  rt::Scenario s(preempt_rt ? "storm" : "storm-nonrt", kStormCpus);
  // The device interrupts' samples are delivered from 1 µs on; the stop
  // event comes at kStormDuration, after the stopper's wait for callbacks in
  // flight (a spin: + 1/8 warp overshoot). Nothing longer is legitimate.
  ArmProgress(s, kStormDuration * 9 / 8);
  s.SetPreemptRt(preempt_rt);
  s.OnReset([v] {
    ResetEp(v, kStormCpus + 1, kStormNames);
    for (int i = 0; i <= kStormCpus; ++i) ep_register_plain(&items[i]);
    for (auto& p : perf_pending) p.counter = 0;
    storm = {};
    __tracepoint_irq_handler_entry.nr_probes = 0;
    tracepoint_probe_register(&__tracepoint_irq_handler_entry, bpf_prog_irq_entry, nullptr);
  });
  for (int cpu = 1; cpu < kStormCpus; ++cpu) s.IsolateCpu(cpu);  // CPU0: housekeeping
  rt::OracleBudgets& b = s.budgets();
  b.isolated_resched_ipis_per_external = kStormIpisPerExternal;
  // eosnoise's own workload reaches the isolated CPU by design (its device
  // interrupts, its samples' wakeups, the consumer's IPIs): their absolute
  // counts are the measurement, not the finding; the feedback budget above
  // is what tells a storm from that.
  b.isolated_interrupts = UINT32_MAX;
  b.isolated_ipis = UINT32_MAX;
  b.isolated_stolen_ns = UINT64_MAX;
  s.AddTask({.name = "eosnoise", .affinity = rt::Cpu(kStormConsumerCpu), .body = [] {
               struct epitem* ev[kStormCpus + 1];
               bool stop = false;
               while (!stop) {
                 const int n = UserEpollWait(&ep, ev, kStormCpus + 1, true);
                 for (int i = 0; i < n; ++i) {
                   stop |= ev[i] == &items[kStormCpus];
                   storm.consumed += ep_source_read(ev[i]->file);
                 }
               }
               int n;
               while ((n = UserEpollWait(&ep, ev, kStormCpus + 1, false)) > 0) {
                 for (int i = 0; i < n; ++i) storm.consumed += ep_source_read(ev[i]->file);
               }
             }});
  s.AddTask({.name = "stopper", .affinity = rt::Cpu(0), .body = [] {
               rt::SleepFor(kStormDuration);
               WRITE_ONCE(stopping, 1);
               while (atomic_read(&in_flight) != 0) cpu_relax();
               ep_source_signal(&src[kStormCpus]);
             }});
  // The external input: a device interrupt on every CPU, twice.
  s.AddInterrupt({.name = "eth0", .kind = rt::ContextKind::kHardirq,
                  .cpus = rt::AllCpus(kStormCpus),
                  .trigger = rt::Trigger::Timer(kStormTickFirst, kStormTickEvery, kStormTicks),
                  .handler = [] {
                    ++storm.external;
                    storm.ipis_since_external = 0;
                    trace_irq_handler_entry(kIrqDevice, 0);
                  }});
  // The perf event's wakeup (irq_work): hardirq without RT, a thread on RT.
  perf_wakeup_handler = s.AddInterrupt({.name = "perf-wakeup", .kind = rt::ContextKind::kHardirq,
                                        .cpus = rt::AllCpus(kStormCpus),
                                        .trigger = rt::Trigger::Manual(),
                                        .handler = [] { perf_pending_irq(); },
                                        .force_threaded_on_rt = true});
  // The reschedule IPI's entry (RES), traced like any irq entry.
  const rt::HandlerId res = s.AddInterrupt(
      {.name = "RES", .kind = rt::ContextKind::kHardirq, .cpus = rt::AllCpus(kStormCpus),
       .trigger = rt::Trigger::Manual(), .handler = [] {
         ++storm.ipi_entries;
         ++storm.ipis_since_external;
         if (storm.ipis_since_external > storm.max_ipis_since_external)
           storm.max_ipis_since_external = storm.ipis_since_external;
         trace_irq_handler_entry(kIrqResched, 0);
       }});
  s.SetReschedIpiHandler(res);
  AddEndChecks(s);
  return s;
}

StormStats LastStormStats() { return storm; }

EventpollStats LastStats() {
  EventpollStats st;
  st.scans = ep.ghost.scans;
  st.chained = ep.ghost.chained;
  for (int i = 0; i < ep.ghost.nr_items; ++i) st.delivered += ep.ghost.items[i]->ghost.delivered;
  st.removed_before_delivery = items[2].ghost.removed && items[2].ghost.delivered == 0 ? 1 : 0;
  return st;
}

const std::vector<std::string_view>& ScenarioNames() {
  static const std::vector<std::string_view> names = {
      "inversion", "inversion-nonrt", "invariants", "invariants-rt", "bandwidth",
      "bandwidth-hard-refill", "bandwidth-nonrt", "storm", "storm-nonrt"};
  return names;
}

rt::Scenario MakeScenario(std::string_view name, const eventpoll_variant& v) {
  if (name == "inversion") return MakeInversion(v, true);
  if (name == "inversion-nonrt") return MakeInversion(v, false);
  if (name == "invariants-rt") return MakeInvariantsRt(v);
  if (name == "bandwidth") return MakeBandwidth(v, true, false);
  if (name == "bandwidth-hard-refill") return MakeBandwidth(v, true, true);
  if (name == "bandwidth-nonrt") return MakeBandwidth(v, false, false);
  if (name == "storm") return MakeStorm(v, true);
  if (name == "storm-nonrt") return MakeStorm(v, false);
  return MakeInvariants(v);
}

}  // namespace rtfuzz::targets::eventpoll
