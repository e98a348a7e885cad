// framework/src/kapi/object_id.cc
//
// Per-execution object ids for kapi objects, assigned in order of first use
// (rtfuzz/kapi/internal/object_id.h says why ids never come from addresses).

#include "rtfuzz/kapi/internal/object_id.h"

#include <cstdint>

#include "rtfuzz/rt/context.h"

namespace {

// The execution the counter belongs to, and the last id handed out in it.
// thread_local: a Machine runs on one OS thread, and machines on different
// threads run different executions (ExecutionSerial is process-unique).
struct IdState {
  uint64_t serial = 0;
  uint32_t last_id = 0;
};

thread_local IdState state;

}  // namespace

extern "C" uint32_t rtfuzz_kapi_object_id(struct rtfuzz_kapi_obj* o) {
  const uint64_t serial = rtfuzz::rt::ExecutionSerial();
  if (state.serial != serial) {
    state.serial = serial;
    state.last_id = 0;
  }
  // Low 32 bits of the serial: see the header for the wrap-around argument.
  const uint32_t epoch = static_cast<uint32_t>(serial);
  if (o->id == 0 || o->epoch != epoch) {
    o->id = ++state.last_id;
    o->epoch = epoch;
  }
  return o->id;
}
