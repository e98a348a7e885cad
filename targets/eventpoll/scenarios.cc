// targets/eventpoll/scenarios.cc: the scenarios of scenarios.h.

#include "scenarios.h"

#include <string>

#include "eventpoll.h"

#include <asm/processor.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

namespace rtfuzz::targets::eventpoll {
namespace {

constexpr int kItems = 5;
constexpr int kMaxEvents = 2;

struct eventpoll ep;
struct ep_source src[kItems];
struct epitem items[kItems];
const char* const kNames[kItems] = {"efd-a", "efd-b", "efd-c", "efd-d", "efd-stop"};

// invariants: the stop protocol (user-space state, through kapi).
atomic_t tasks_left;   // writer and ctl
atomic_t in_flight;    // interrupt producers between begin and end
int stopping;
struct irq_work perf_work;

// inversion: whether the device interrupt woke the hog.
int hog_kicked;

void ResetEp(const eventpoll_variant& v, int nr_items) {
  eventpoll_cfg = v;
  ep_init_plain(&ep);
  for (int i = 0; i < nr_items; ++i) {
    ep_source_init_plain(&src[i], kNames[i], 0);
    ep_item_init_plain(&items[i], &ep, &src[i], kNames[i]);
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

// A busy loop on the clock (cpu_relax(): the machine warps over it).
void Busy(uint64_t ns) {
  const uint64_t end = ktime_get_ns() + ns;
  while (ktime_get_ns() < end) cpu_relax();
}

// --- invariants ---

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

}  // namespace

rt::Scenario MakeInversion(const eventpoll_variant& v, bool preempt_rt) {
  constexpr int kEvents = 3;
  rt::Scenario s(preempt_rt ? "inversion" : "inversion-nonrt", 1);
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
                 const int n = ep_poll(&ep, ev, kMaxEvents, true);
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
  s.SetPreemptRt(false);
  s.OnReset([v] {
    ResetEp(v, kItems);
    ep_register_plain(&items[0]);
    ep_register_plain(&items[1]);
    ep_register_plain(&items[2]);
    ep_register_plain(&items[4]);
    src[3].count.counter = 1;  // d has data before epoll_ctl(ADD)
    tasks_left.counter = 2;
    init_irq_work(&perf_work, PerfWakeup);
  });
  s.AddTask({.name = "epoll_wait", .affinity = rt::Cpu(0), .body = [] {
               struct epitem* ev[kMaxEvents];
               bool stop = false;
               while (!stop) {
                 const int n = ep_poll(&ep, ev, kMaxEvents, true);
                 for (int i = 0; i < n; ++i) {
                   stop |= ev[i] == &items[4];
                   (void)ep_source_read(ev[i]->file);
                 }
               }
               int n;
               while ((n = ep_poll(&ep, ev, kMaxEvents, false)) > 0) {
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

EventpollStats LastStats() {
  EventpollStats st;
  st.scans = ep.ghost.scans;
  st.chained = ep.ghost.chained;
  for (int i = 0; i < ep.ghost.nr_items; ++i) st.delivered += ep.ghost.items[i]->ghost.delivered;
  st.removed_before_delivery = items[2].ghost.removed && items[2].ghost.delivered == 0 ? 1 : 0;
  return st;
}

const std::vector<std::string_view>& ScenarioNames() {
  static const std::vector<std::string_view> names = {"inversion", "inversion-nonrt",
                                                       "invariants"};
  return names;
}

rt::Scenario MakeScenario(std::string_view name, const eventpoll_variant& v) {
  if (name == "inversion") return MakeInversion(v, true);
  if (name == "inversion-nonrt") return MakeInversion(v, false);
  return MakeInvariants(v);
}

}  // namespace rtfuzz::targets::eventpoll
