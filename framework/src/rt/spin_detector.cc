// framework/src/rt/spin_detector.cc
//
// When a spinning context is stuck: judged by what it reads, as on hardware,
// where a spinner waits only for the words it polls.
//
// Each read point of a spinning context logs its word (address, size, the
// raw contents the access read: for an RMW the contents before it) in the
// context's ring (MachineImpl::NoteWord, from its first cpu_relax() on). An
// iteration is what a context read between two cpu_relax() calls. At a
// cpu_relax() the context is stuck exactly when its iteration read what the
// end of the one before read (the same words, in order, with the same
// contents), every one of those words holds now what its first access in
// the iteration read (so the next iteration starts where this one did and
// reads the same), and its own state (registers and stack, as rt::Spin()
// captured them) is unchanged. Stores it makes and undoes do not count: a
// trylock that writes on every failure (an MCS node reset, a writer bit set
// and cleared) is stuck like one that only reads. A store that is undone
// only after another context's store is not undone: a write trylock that
// set its bit while a reader held the lock and cleared it after the reader
// left finds the lock free next time. (Judging by what the last access left
// called that spinner stuck: a false spin-deadlock libFuzzer found in
// userlocks rw-contend under bare, 657,655 executions into a campaign;
// corpora/regressions/userlocks/rw-trylock-undo-after-release.sched.)
// Stuck, it stays so until
// one of its words changes (Stuck() re-reads them when anything was
// written), a warp gives it one look at the clock, or an interrupt or
// preemption comes. The coarse rule of the first machine (nothing written
// anywhere since its previous spin) makes it stuck too, but only the exact
// rule proves the fixed point a spin deadlock needs.
//
// Why no interleaving is lost (docs/architecture.md#time-warp): a stuck
// iteration observes and leaves the shared state as it found it, so running
// it again is a stutter; an iteration that would see a change can only start
// after the change, and the machine lets the spinner run from that moment on.
// Reads logged without a word (kapi points that do not know one) fall back
// to the coarse rule of the first machine: stuck when nothing at all was
// written since the previous spin; so do iterations that read no word, and
// iterations longer than kMaxIterationWords reads.

#include <cstddef>
#include <cstdint>

#include "machine_impl.h"
#include "rtfuzz/rt/preempt_count.h"

namespace rtfuzz::rt::internal {
namespace {

bool SameAccess(const WordAccess& a, const WordAccess& b) {
  return a.tagged == b.tagged && a.bits == b.bits;
}

// The word's contents now, zero-extended as Point's bits.
uint64_t BitsNow(const WordAccess& w) { return MachineImpl::WordBits(w.addr(), w.size()); }

// A fingerprint of a spinner's own state at its cpu_relax(): the caller's
// callee-saved registers and every byte of its stack from the caller's frame
// up (its locals, spilled registers and return addresses), as rt::Spin()
// captured them (context.cc). Null state (not x86-64): 0, so locals are
// assumed not to count. Not instrumented: it reads whole frames, redzones
// included.
__attribute__((no_sanitize("address"))) uint64_t StateHash(const Context& ctx,
                                                            const uint64_t* state) {
  if (state == nullptr) return 0;
  constexpr int kRegisters = 6;  // rbx, rbp, r12..r15.
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  auto mix = [&h](uint64_t v) { h = (h ^ v) * 0xff51afd7ed558ccdULL; };
  for (int i = 0; i < kRegisters; ++i) mix(state[i]);
  const char* frame = reinterpret_cast<const char*>(state[kRegisters]);
  const char* top = ctx.fiber.stack_top();
  const auto size = static_cast<ptrdiff_t>(ctx.fiber.stack_size());
  if (top == nullptr || frame > top || top - frame > size) return h;
  const size_t words = static_cast<size_t>(top - frame) / sizeof(uint64_t);
  const volatile uint64_t* p = reinterpret_cast<const volatile uint64_t*>(frame);
  for (size_t i = 0; i < words; ++i) mix(p[i]);
  return h;
}

// Whether each word of ring positions [begin, end) holds what its first
// access there read.
bool HoldIn(const Context& ctx, uint32_t begin, uint32_t end) {
  for (uint32_t i = begin; i != end; ++i) {
    const WordAccess& w = ctx.fp[i & (kFootprintRing - 1)];
    if (ctx.FirstAccessFrom(begin, i) && BitsNow(w) != w.bits) return false;
  }
  return true;
}

}  // namespace

void MachineImpl::SpinWithState(uint32_t object, const uint64_t* state) {
  Account(Op::kSpin, object, 0, kPointSpin);
  OnSpin(*current_, state);
  if (SlowPathDue()) SlowPath();
}

void MachineImpl::OnSpin(Context& ctx, const uint64_t* state) {
  const uint32_t len = ctx.fp_count - ctx.fp_mark;
  const uint32_t prev_len = ctx.fp_mark - ctx.fp_prev_mark;
  // An iteration that read no word at all (a loop on the clock, or points
  // that do not say what they read) is judged coarsely too.
  const bool precise = len > 0 && len <= kMaxIterationWords &&
                       ((ctx.fp_flags | ctx.spin_flags) & kFpAnonymousRead) == 0;
  // Its first spin has no iteration to compare with.
  const bool spun_before = ctx.spin_epoch != kUnbounded;
  // Coarse: nothing written anywhere since its last spin, so nothing it
  // reads can differ next time (its own stores count here, conservatively).
  const bool coarse = spun_before && ctx.spin_epoch == news_epoch_;
  // Exact: it repeated the end of the iteration before, and its words still
  // hold what it read.
  bool exact = precise && spun_before && prev_len >= len;
  for (uint32_t i = 0; i < len && exact; ++i) {
    const WordAccess& now = ctx.fp[(ctx.fp_mark + i) & (kFootprintRing - 1)];
    const WordAccess& before = ctx.fp[(ctx.fp_mark - len + i) & (kFootprintRing - 1)];
    exact = now.size() != 0 && SameAccess(now, before);
  }
  exact = exact && HoldIn(ctx, ctx.fp_mark, ctx.fp_count);
  // And its own state repeated: a loop counting its retries in a local is
  // not at a fixed point, though what it reads is.
  if (exact) {
    const uint64_t h = StateHash(ctx, state);
    exact = ctx.state_known && h == ctx.state_hash;
    ctx.state_hash = h;
    ctx.state_known = true;
  } else {
    ctx.state_known = false;
  }
  const bool stuck = coarse || exact;
  ctx.stuck = stuck;
  ctx.precise = exact;  // Only then can its words say it is still stuck.
  ctx.last_spin_step = step_;
  ctx.spin_epoch = news_epoch_;
  ctx.spin_flags = ctx.fp_flags;
  ctx.fp_flags = 0;
  ctx.fp_prev_mark = ctx.fp_mark;
  ctx.fp_mark = ctx.fp_count;
  // An iteration that outgrew the ring stopped the log: the coarse rule
  // judged it (precise is false), and the next one is logged afresh.
  ctx.logging = true;
  if (stuck) yield_cpu_ = true;
}

bool MachineImpl::WordsHold(const Context& ctx) const {
  return HoldIn(ctx, ctx.fp_prev_mark, ctx.fp_mark);
}

bool MachineImpl::Stuck(const VirtualCpu& cpu) const {
  const Context* top = cpu.Top();
  if (top == nullptr || !top->stuck) return false;
  // Something was written since it spun: its words decide, if it was stuck
  // by them (stuck by the coarse rule alone, it is not stuck any more).
  if (top->spin_epoch != news_epoch_ && !(top->precise && WordsHold(*top))) return false;
  return (cpu.pending == 0 || Deliverable(cpu) == nullptr) &&
         !(cpu.need_resched && Preemptible(cpu));
}

bool MachineImpl::SomethingCanChange() const {
  // A timer within the budget: its callback, a wakeup or a refill may write.
  if (timers_.next_time() < options_.max_time_ns) return true;
  for (const VirtualCpu& cpu : cpus_) {
    const Context* top = cpu.Top();
    if (top == nullptr || !Runnable(cpu)) continue;
    // A spinner that reads the clock may have a deadline (a resilient lock's
    // timeout): it is not stuck before it, and the warp finds it.
    if (top->spin_flags & kFpClockRead) return true;
    // Not proven at a fixed point (stuck only because nothing was written:
    // a loop that reads no word, e.g. a counted delay, may end by itself):
    // the warp gives it another iteration.
    if (!top->precise) return true;
    // Its PMU counts what it does (every event a spinner may produce, to be
    // safe): an overflow interrupt will come, and may write.
    for (const HandlerInstance* h : cpu.armed) {
      if (h->active || h->fires >= h->spec->trigger.max_fires) continue;
      const uint32_t pc = top->preempt_count;
      const bool deliverable =
          h->spec->kind == ContextKind::kNmi       ? !InNmi(pc)
          : h->spec->kind == ContextKind::kHardirq ? !top->irqs_disabled
                                                   : !top->irqs_disabled && !InInterrupt(pc);
      if (deliverable) return true;
    }
  }
  return false;
}

}  // namespace rtfuzz::rt::internal
