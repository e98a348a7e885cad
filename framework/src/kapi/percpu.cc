// framework/src/kapi/percpu.cc
//
// The per-CPU area behind <linux/percpu.h>: CPU 0's copies are the objects in
// the linker section "rtfuzz_kapi_percpu" (the template); CPUs 1..63 get a
// snapshot of the whole section, taken at program start, in one heap block.
// A per-CPU pointer is relocated by its offset into the section, as the
// kernel's __per_cpu_offset[] does.

#include <cstdint>
#include <cstring>

#include "rtfuzz/base/check.h"
#include "rtfuzz/rt/scenario.h"
#include "rtfuzz/rt/word_alias.h"
// Last: kapi headers define kernel macros (noinline, likely, ...).
#include "rtfuzz/kapi/linux/percpu.h"

// Defined by the linker around the section; weak, so a program without any
// per-CPU variable links (both are then null).
extern "C" {
extern char __start_rtfuzz_kapi_percpu[] __attribute__((weak));
extern char __stop_rtfuzz_kapi_percpu[] __attribute__((weak));
}

namespace {

// Copies are spaced by a multiple of a page and start at the template's
// address modulo a page, so every object keeps its alignment (up to 4096,
// beyond any per-CPU object's) in every copy.
constexpr uintptr_t kPage = 4096;

struct PerCpuArea {
  uintptr_t start = 0;  // The template: CPU 0's copies.
  uintptr_t stop = 0;
  uintptr_t stride = 0;
  uintptr_t copies = 0;  // CPU 1's copy; CPU n's is copies + (n - 1) * stride.
};

PerCpuArea MakeArea() {
  PerCpuArea a;
  a.start = reinterpret_cast<uintptr_t>(__start_rtfuzz_kapi_percpu);
  a.stop = reinterpret_cast<uintptr_t>(__stop_rtfuzz_kapi_percpu);
  if (a.start == 0 || a.stop <= a.start) return PerCpuArea{};
  const uintptr_t size = a.stop - a.start;
  a.stride = (size + kPage - 1) / kPage * kPage;
  const uintptr_t bytes = a.stride * (rtfuzz::rt::kMaxCpus - 1) + kPage;
  // Never freed: per-CPU variables live as long as the program.
  const uintptr_t block = reinterpret_cast<uintptr_t>(new char[bytes]);
  a.copies = block + ((a.start - block) % kPage);
  for (int cpu = 1; cpu < rtfuzz::rt::kMaxCpus; ++cpu) {
    std::memcpy(reinterpret_cast<void*>(a.copies + (cpu - 1) * a.stride),
                reinterpret_cast<const void*>(a.start), size);
  }
  return a;
}

const PerCpuArea& Area() {
  static const PerCpuArea area = MakeArea();
  return area;
}

// Reports name a word of CPU n's copy by the variable in the template.
bool CopyOf(const volatile void* addr, const volatile void** original, int* copy) {
  const PerCpuArea& a = Area();
  const uintptr_t p = reinterpret_cast<uintptr_t>(addr);
  if (a.copies == 0 || p < a.copies) return false;
  const uintptr_t cpu = (p - a.copies) / a.stride + 1;
  const uintptr_t offset = (p - a.copies) % a.stride;
  if (cpu >= rtfuzz::rt::kMaxCpus || offset >= a.stop - a.start) return false;
  *original = reinterpret_cast<const volatile void*>(a.start + offset);
  *copy = static_cast<int>(cpu);
  return true;
}

// Take the snapshot during static initialization, while the template still
// holds its initial values (per-CPU objects are constant-initialized).
[[maybe_unused]] const PerCpuArea& snapshot_at_start = Area();
[[maybe_unused]] const bool alias_registered = (rtfuzz::rt::SetWordAlias(&CopyOf), true);

}  // namespace

extern "C" void* rtfuzz_kapi_per_cpu_ptr(const volatile void* ptr, int cpu) {
  const PerCpuArea& a = Area();
  const uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  RTFUZZ_PRECONDITION(p >= a.start && p < a.stop,
                      "this_cpu_ptr()/per_cpu_ptr() of an address that is not in a "
                      "DEFINE_PER_CPU variable");
  RTFUZZ_PRECONDITION(cpu >= 0 && cpu < rtfuzz::rt::kMaxCpus,
                      "per_cpu_ptr(): no such CPU");
  if (cpu == 0) return reinterpret_cast<void*>(p);
  return reinterpret_cast<void*>(a.copies + static_cast<uintptr_t>(cpu - 1) * a.stride +
                                 (p - a.start));
}
