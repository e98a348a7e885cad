// framework/src/kapi/irq_work.cc
//
// irq_work (<linux/irq_work.h>): per-CPU raised and lazy lists, the claim,
// the arch's self-IPI or its absence, and two invariants a queued work must
// keep (never re-initialised, never linked twice). The list operations are
// plain pointer updates inside the queue's one scheduling point, so the
// header's "one point per queue" holds and traces of works queued one at a
// time are what they were when irq_work ran on the machine's vector alone.

#include <string>

#include "lock_internal.h"
#include "per_execution.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/context.h"
// Last: kapi headers define kernel macros.
#include "rtfuzz/kapi/linux/irq_work.h"

namespace {

using rtfuzz::rt::kMaxCpus;

struct IrqWorkLists {
  struct llist_head raised[kMaxCpus];
  struct llist_head lazy[kMaxCpus];
  bool has_interrupt = true;
};

// This execution's lists (a verdict may have ended the last one with work
// queued).
rtfuzz::kapi::internal::PerExecution<IrqWorkLists> g_lists;

// The lists are plain memory changed inside one scheduling point: the
// simulator's only (natively irq_work is a usage error, as before).
IrqWorkLists& Lists() {
  rtfuzz::kapi::internal::NotOnNative("irq_work (per-CPU lists on the simulator only)");
  return g_lists.Get();
}

// The flags this execution set (a work last queued by an older execution
// is idle now).
unsigned int LiveFlags(const struct irq_work* work) {
  if (work->serial != rtfuzz::rt::ExecutionSerial()) {
    return work->flags & (IRQ_WORK_LAZY | IRQ_WORK_HARD_IRQ);
  }
  return work->flags;
}

bool OnList(const struct llist_head* list, const struct llist_node* node) {
  for (const struct llist_node* n = list->first; n != nullptr; n = n->next) {
    if (n == node) return true;
  }
  return false;
}

// Both invariants name the work, so a report says which one without a replay.
void BrokenInvariant(const char* what, const struct irq_work* work, const char* site) {
  rtfuzz::check::Invariant(false, what, site, rtfuzz::rt::DescribeWord(work));
}

// irq_work_single(): PENDING off before func (func may requeue), BUSY off
// after it unless func requeued it.
void RunSingle(struct irq_work* work) {
  const unsigned int flags = work->flags & ~IRQ_WORK_PENDING;
  work->flags = flags;
  work->func(work);
  if (work->flags == flags) work->flags = flags & ~IRQ_WORK_BUSY;
}

// irq_work_run_list(): takes the whole list (newest first, as llist_del_all
// hands it over) and runs each work.
void RunList(struct llist_head* list) {
  struct llist_node* node = list->first;
  list->first = nullptr;
  while (node != nullptr) {
    struct llist_node* next = node->next;
    node->next = nullptr;
    RunSingle(container_of(node, struct irq_work, llnode));
    node = next;
  }
}

// The irq-work interrupt (rt::WorkVector::kIrqWork); `arg` is the work whose
// queue raised it, which stall reports name.
void IrqWorkInterrupt(void*) { irq_work_run(); }

}  // namespace

extern "C" void init_irq_work_flags(struct irq_work* work, void (*func)(struct irq_work*),
                                    unsigned int init) {
  // A work last queued by an earlier execution (OnReset's case) is idle.
  if ((LiveFlags(work) & IRQ_WORK_PENDING) != 0) {
    BrokenInvariant("never re-initialise a queued irq_work: init_irq_work() on a work still "
                    "on its CPU's list clears the link of a listed node",
                    work, "init_irq_work");
  }
  work->llnode.next = nullptr;
  work->flags = init & (IRQ_WORK_LAZY | IRQ_WORK_HARD_IRQ);
  work->func = func;
  work->serial = 0;
}

extern "C" bool irq_work_queue_on(struct irq_work* work, int cpu) {
  IrqWorkLists& lists = Lists();
  const unsigned int old = LiveFlags(work);
  if (old & IRQ_WORK_PENDING) {  // irq_work_claim() failed: already queued.
    rtfuzz::rt::Point(rtfuzz::rt::Op::kRmw, 0, 0, rtfuzz::rt::kPointAtomic);
    return false;
  }
  work->flags = old | IRQ_WORK_CLAIMED;
  work->serial = rtfuzz::rt::ExecutionSerial();
  const bool lazy = (old & IRQ_WORK_LAZY) != 0;
  struct llist_head* list = lazy ? &lists.lazy[cpu] : &lists.raised[cpu];
  if (OnList(list, &work->llnode)) {
    BrokenInvariant("an irq_work list stays acyclic: this queue links a node already on the "
                    "list",
                    work, "irq_work_queue");
  }
  const bool was_empty = list->first == nullptr;
  work->llnode.next = list->first;
  list->first = &work->llnode;
  // Raised only by the add that made the list non-empty, and only through
  // an interrupt the arch has: lazy work and an arch without the
  // self-IPI wait for irq_work_tick(). A remote queue is always an IPI.
  const bool remote = cpu != rtfuzz::rt::CurrentCpu();
  if (was_empty && !lazy && (remote || lists.has_interrupt)) {
    rtfuzz::rt::QueueInterruptWork(cpu, rtfuzz::rt::WorkVector::kIrqWork, IrqWorkInterrupt,
                                   work);
  } else {
    rtfuzz::rt::Point(rtfuzz::rt::Op::kRmw, 0, 0, rtfuzz::rt::kPointAtomic);
  }
  return true;
}

extern "C" bool irq_work_queue(struct irq_work* work) {
  return irq_work_queue_on(work, rtfuzz::rt::CurrentCpu());
}

extern "C" void irq_work_run(void) {
  IrqWorkLists& lists = Lists();
  const int cpu = rtfuzz::rt::CurrentCpu();
  RunList(&lists.raised[cpu]);
  RunList(&lists.lazy[cpu]);
}

extern "C" void irq_work_tick(void) {
  IrqWorkLists& lists = Lists();
  const int cpu = rtfuzz::rt::CurrentCpu();
  if (!lists.has_interrupt) RunList(&lists.raised[cpu]);
  RunList(&lists.lazy[cpu]);
}

extern "C" bool arch_irq_work_has_interrupt(void) { return Lists().has_interrupt; }

extern "C" void irq_work_set_arch_has_interrupt(bool has_interrupt) {
  Lists().has_interrupt = has_interrupt;
}

extern "C" bool irq_work_is_pending(struct irq_work* work) {
  return (LiveFlags(work) & IRQ_WORK_PENDING) != 0;
}

extern "C" bool irq_work_is_busy(struct irq_work* work) {
  return (LiveFlags(work) & IRQ_WORK_BUSY) != 0;
}
