// framework/include/rtfuzz/check/lock_events.h
//
// Lock events: the lockdep/lockstat hooks (lock_acquire, lock_contended,
// lock_acquired, lock_release) as the oracles receive them, plus the result a
// resilient lock returns instead of the lock (rqspinlock's -EDEADLK and
// -ETIMEDOUT). kapi's own locks call these; a target's own lock calls them
// where the kernel calls the lockdep hooks. They give the oracles ground
// truth — who holds what, who waits for what, since when — without trusting
// the lock under test.
//
// Each call records a trace record for the current context (rt::Annotate:
// not a scheduling point) and, when the machine runs with check::Oracles
// attached, updates the oracles, which may end the execution with a verdict
// (mutual-exclusion, a deadlock verdict, ...) from inside the call.
//
// Place them so that ownership in the oracles never lags the lock word:
// call LockAcquired in the same step as the atomic that takes the lock
// (after its memory effect, before its rt::Point), and LockRelease before
// the store that releases it. Annotations are not scheduling points, so
// nothing can run in between. (lockdep itself calls lock_acquired a few
// instructions late; an oracle that did the same would misjudge the very
// NMI windows rtfuzz exists to explore.)
//
// Call them from a running context only. `lock` ids are small integers,
// stable within an execution (kapi assigns them in order of first use);
// `name` and `site` must be string literals or otherwise outlive the run.

#ifndef RTFUZZ_CHECK_LOCK_EVENTS_H_
#define RTFUZZ_CHECK_LOCK_EVENTS_H_

#include <cstdint>
#include <string_view>

namespace rtfuzz::check {

using LockId = uint32_t;

enum class LockMode : uint8_t {
  kExclusive,  // spin_lock, write_lock, mutex_lock, down_write, rt_mutex_lock
  kShared,     // read_lock, down_read
};

// What the lock is, which decides what sharing means. The first event
// that names a kind fixes it for the execution.
enum class LockKind : uint8_t {
  kLock,      // A lock: shared holders exclude exclusive ones.
  kSeqcount,  // A sequence counter: writers (exclusive) exclude each other;
              // readers (shared) are never holders. A reader's attempt is
              // instantaneous (lock_acquire then lock_release in one step)
              // unless it waits on an odd count (LockContended .. LockAcquired),
              // a wait for the writer; a reader that stays "acquired" across
              // a scheduling point is a hook error (verdict invariant).
};

// An attempt begins (lockdep's lock_acquire). `trylock` attempts never wait.
void LockAcquire(LockId lock, const char* name, LockMode mode, bool trylock,
                 const char* site, LockKind kind = LockKind::kLock);
// The attempt has to wait (lock_contended): the wait-for graph gets an edge.
void LockContended(LockId lock, const char* site);
// The attempt succeeded (lock_acquired); for a trylock, its success. Without
// an attempt (no LockAcquire or LockContended first) it is a hook error: the
// verdict invariant, naming the hook.
void LockAcquired(LockId lock, const char* site);
// The attempt ended without the lock: `error` is negative errno: -EDEADLK
// (the lock says it detected a deadlock), -ETIMEDOUT (it gave up), -EBUSY (a
// trylock found it taken).
void LockFailed(LockId lock, int error, const char* site);
// The lock is released (lock_release). Releasing a lock nobody holds or
// claims is a hook error (lockdep's "bad unlock balance"): verdict invariant.
void LockRelease(LockId lock, const char* site);

// A queued lock (MCS, ticket): the waiting context cannot get `lock` before
// `predecessor` (an rt::ContextId, rt::CurrentContextId() of the context
// that queued ahead) has had its turn. The wait-for graph gets that edge
// besides the ones to the holders, so an NMI queued behind its own CPU's
// queued task is a cycle. rt::kNoContext clears it (the waiter became the
// queue's head). The edge ends with the attempt.
void LockWaitsBehind(LockId lock, uint16_t predecessor, const char* site);

// A resilient lock's own deadlock-detection bookkeeping (rqspinlock's
// per-CPU held-locks table): the current context has published an entry
// naming `lock`, which the lock's detectors read as "holds or is taking it".
// The wait-for graph is not built from entries (they may be early or
// stale); the oracle uses them only to explain a -EDEADLK that has no true
// cycle, as one of the windows a scenario accepts
// (rt::OracleBudgets::tolerated_windows, docs/oracles.md#tolerated-windows).
// Call LockEntryCleared when the entry is withdrawn; entries of one context
// are withdrawn newest first.
void LockEntryPublished(LockId lock, const char* site);
void LockEntryCleared(LockId lock, const char* site);

// Names `lock` for reports if no event named it yet (kapi calls it before
// lock_acquired()/lock_release(), so a hook error names the lock). Not a
// trace record.
void LockNamed(LockId lock, const char* name);

// A scenario or target invariant: if !holds, the verdict "invariant".
// The signature is `what`@`site`; `detail` (which object, which CPU, ...) is
// only in the message, so it may vary between builds (a name from debug
// information) without changing the signature.
void Invariant(bool holds, const char* what, const char* site);
void Invariant(bool holds, const char* what, const char* site, std::string_view detail);

// errno values the oracles interpret (the kernel's numbers).
inline constexpr int kEdeadlk = 35;
inline constexpr int kEtimedout = 110;
inline constexpr int kEbusy = 16;

}  // namespace rtfuzz::check

#endif  // RTFUZZ_CHECK_LOCK_EVENTS_H_
