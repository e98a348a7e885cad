// framework/include/rtfuzz/rt/word_alias.h
//
// Naming copies of variables in reports. A spin-deadlock report names each
// word a spinner reads by the variable and member it lies in, from the
// program's debug information. Memory that copies a variable elsewhere (the
// per-CPU copies kapi's <linux/percpu.h> keeps for CPUs 1..63) has no name of
// its own: a resolver registered here maps such an address back to the
// original and says which copy it is, and the report names the original's
// member "(CPU<n>'s copy)".

#ifndef RTFUZZ_RT_WORD_ALIAS_H_
#define RTFUZZ_RT_WORD_ALIAS_H_

namespace rtfuzz::rt {

// True if `addr` lies in a copy: *original is the same byte in the variable
// it copies and *copy the copy's number (a CPU). Must not allocate.
using WordAliasFn = bool (*)(const volatile void* addr, const volatile void** original,
                             int* copy);

// Registers the one resolver (a later call replaces it); null removes it.
void SetWordAlias(WordAliasFn fn);

}  // namespace rtfuzz::rt

#endif  // RTFUZZ_RT_WORD_ALIAS_H_
