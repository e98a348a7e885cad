// framework/src/kapi/object_id.cc
//
// Per-execution object ids for kapi objects, assigned in order of first use
// (rtfuzz/kapi/internal/object_id.h says why ids never come from addresses).

#include "rtfuzz/kapi/internal/object_id.h"

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "rtfuzz/rt/backend.h"
#include "rtfuzz/rt/context.h"

namespace {

// The execution the counter belongs to, and the last id handed out in it.
// thread_local: a Machine runs on one OS thread, and machines on different
// threads run different executions (ExecutionSerial is process-unique).
// Trivially constructible, so the hot path has no thread_local init guard.
struct IdState {
  uint64_t serial = 0;
  uint32_t last_id = 0;
};

thread_local IdState state;

// Plain words (pointer atomics) by address: an open-addressing table whose
// slots belong to the execution their epoch names, so a new execution
// starts empty without clearing it. Lookups never affect ids, which still
// follow the order of first use. Beyond kWordSlots distinct words in one
// execution, further words stay anonymous (object 0).
constexpr uint32_t kWordSlots = 1024;
struct WordSlot {
  uintptr_t addr;
  uint32_t id;
  uint32_t epoch;  // Low 32 bits of the execution serial; 0: never used.
};
thread_local WordSlot word_slots[kWordSlots];

// A new execution: a new id sequence. Cold, out of line, so the hot path
// of every traced atomic stays a load, two compares and a return.
[[gnu::noinline]] void NewExecution(uint64_t serial) {
  state.serial = serial;
  state.last_id = 0;
}

[[gnu::noinline]] uint32_t AssignNew(struct rtfuzz_kapi_obj* o, const char* name, uint32_t epoch) {
  o->id = ++state.last_id;
  o->epoch = epoch;
  rtfuzz::rt::NameObject(o->id, name, o);
  return o->id;
}

// On the native backend ids are shared by every thread of the run: one
// counter, and the (id, epoch) pair claimed with one 64-bit CAS, so two
// threads touching a lock first at once agree on its id. Signal-safe.
std::atomic<uint32_t> native_last_id{0};
std::atomic<uint64_t> native_serial{0};

[[gnu::noinline]] uint32_t AssignNative(struct rtfuzz_kapi_obj* o, const char* name,
                                        uint64_t serial) {
  static_assert(sizeof(rtfuzz_kapi_obj) == sizeof(uint64_t) && offsetof(rtfuzz_kapi_obj, id) == 0,
                "the pair is claimed as one word");
  uint64_t seen_serial = native_serial.load(std::memory_order_acquire);
  while (seen_serial != serial) {  // A new run: a new id sequence.
    if (native_serial.compare_exchange_weak(seen_serial, serial)) {
      native_last_id.store(0);
      break;
    }
  }
  const uint32_t epoch = static_cast<uint32_t>(serial);
  auto* pair = reinterpret_cast<uint64_t*>(o);
  uint64_t now = __atomic_load_n(pair, __ATOMIC_ACQUIRE);
  for (;;) {
    const auto id = static_cast<uint32_t>(now);
    if (id != 0 && static_cast<uint32_t>(now >> 32) == epoch) return id;
    const uint32_t mine = native_last_id.fetch_add(1) + 1;
    const uint64_t want = uint64_t{epoch} << 32 | mine;
    if (__atomic_compare_exchange_n(pair, &now, want, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
      rtfuzz::rt::NameObject(mine, name, o);
      return mine;
    }
  }
}

// The object's id, assigning the next one (and naming it) on first use.
// A thread on the native backend never records its serial in `state`, so
// it always takes the cold branch, where the backend is asked: the
// simulator's path is the same load, compares and return as before.
inline uint32_t Assign(struct rtfuzz_kapi_obj* o, const char* name) {
  const uint64_t serial = rtfuzz::rt::ExecutionSerial();
  if (__builtin_expect(state.serial != serial, 0)) {
    if (rtfuzz::rt::OnBackend()) return AssignNative(o, name, serial);
    NewExecution(serial);
  }
  // Low 32 bits of the serial: see the header for the wrap-around argument.
  const uint32_t epoch = static_cast<uint32_t>(serial);
  if (__builtin_expect(o->id == 0 || o->epoch != epoch, 0)) return AssignNew(o, name, epoch);
  return o->id;
}

}  // namespace

extern "C" uint32_t rtfuzz_kapi_object_id(struct rtfuzz_kapi_obj* o) { return Assign(o, nullptr); }

extern "C" uint32_t rtfuzz_kapi_named_object_id(struct rtfuzz_kapi_obj* o, const char* name) {
  return Assign(o, name);
}

extern "C" uint32_t rtfuzz_kapi_word_id(const volatile void* word) {
  const uint64_t serial = rtfuzz::rt::ExecutionSerial();
  if (__builtin_expect(state.serial != serial, 0)) {
    // Plain words stay anonymous off the simulator: nothing traces them.
    if (rtfuzz::rt::OnBackend()) return 0;
    NewExecution(serial);
  }
  const uint32_t epoch = static_cast<uint32_t>(serial);
  const auto addr = reinterpret_cast<uintptr_t>(word);
  uint32_t at = static_cast<uint32_t>(((addr >> 3) * 0x9e3779b97f4a7c15ULL) >> 54);  // 10 bits.
  for (uint32_t probe = 0; probe < kWordSlots; ++probe, at = (at + 1) % kWordSlots) {
    WordSlot& slot = word_slots[at];
    if (slot.epoch == epoch && slot.addr == addr) return slot.id;
    if (slot.epoch != epoch) {  // Free in this execution: the word's first use.
      slot = WordSlot{addr, ++state.last_id, epoch};
      rtfuzz::rt::NameObject(slot.id, nullptr, word);
      return slot.id;
    }
  }
  return 0;  // More distinct words than slots in one execution.
}
