// framework/src/rt/word_names.h
//
// Names a memory word for reports (spin-deadlock): the variable and member
// it lies in, as the debug information of the running program gives them
// ("ticket.owner", "nodes[1][0].locked"), else the symbol and offset, else
// the kapi object id. Never its address, which differs between runs.
// Internal to rtfuzz::rt.

#ifndef RTFUZZ_SRC_RT_WORD_NAMES_H_
#define RTFUZZ_SRC_RT_WORD_NAMES_H_

#include <cstdint>
#include <string>

namespace rtfuzz::rt::internal {

// size 0 names the object that starts at addr (a wait queue, a lock), not
// the scalar there.
std::string NameWord(const volatile void* addr, uint32_t size, uint32_t object);

// "function at file:line" of a code address of this process, or "".
std::string NameCode(uint64_t ip);

}  // namespace rtfuzz::rt::internal

#endif  // RTFUZZ_SRC_RT_WORD_NAMES_H_
