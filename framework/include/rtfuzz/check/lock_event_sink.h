// framework/include/rtfuzz/check/lock_event_sink.h
//
// Where lock events (lock_events.h) go on a thread that runs no simulated
// machine: the native backend's oracles (rtfuzz/native) install a sink for
// the life of their run. On the simulator the events go to the oracles of
// the running execution, as before, and the sink is not consulted.
//
// A sink's methods run wherever the lock runs, signal handlers included:
// they must be async-signal-safe (no allocation, no mutex).

#ifndef RTFUZZ_CHECK_LOCK_EVENT_SINK_H_
#define RTFUZZ_CHECK_LOCK_EVENT_SINK_H_

#include "rtfuzz/check/lock_events.h"

namespace rtfuzz::check {

class LockEventSink {
 public:
  virtual ~LockEventSink() = default;
  virtual void OnAcquire(LockId lock, const char* name, LockMode mode, bool trylock,
                         const char* site, LockKind kind) = 0;
  virtual void OnContended(LockId lock, const char* site) = 0;
  virtual void OnAcquired(LockId lock, const char* site) = 0;
  virtual void OnFailed(LockId lock, int error, const char* site) = 0;
  virtual void OnRelease(LockId lock, const char* site) = 0;
  virtual void OnNamed(LockId lock, const char* name) = 0;
  // lockdep's lock_is_held_type(): whether the current context holds `lock`
  // (shared if `read`, exclusive if not; -1: either).
  virtual bool Holds(LockId lock, int read) = 0;
};

// The sink of threads without a machine, or nullptr (the default).
LockEventSink* ActiveSink();
void SetActiveSink(LockEventSink* sink);

}  // namespace rtfuzz::check

#endif  // RTFUZZ_CHECK_LOCK_EVENT_SINK_H_
