// framework/include/rtfuzz/base/rng.h
//
// Rng: the only source of pseudo-randomness in rtfuzz (xoshiro256**, seeded
// through SplitMix64). Same seed, same sequence, on every platform; never
// seeded from clocks, addresses or std::random_device.

#ifndef RTFUZZ_BASE_RNG_H_
#define RTFUZZ_BASE_RNG_H_

#include <cstdint>

namespace rtfuzz {

class Rng {
 public:
  explicit Rng(uint64_t seed) { Seed(seed); }

  void Seed(uint64_t seed) {
    for (uint64_t& word : s_) word = SplitMix64(seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, bound); bound >= 1. Lemire's multiply-shift, with the
  // rejection step so small bounds are exactly uniform.
  uint64_t Below(uint64_t bound) {
    Uint128 m = static_cast<Uint128>(Next()) * bound;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < bound) {
      const uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<Uint128>(Next()) * bound;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

 private:
  __extension__ typedef unsigned __int128 Uint128;  // GCC and Clang both have it.
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t s_[4];
};

}  // namespace rtfuzz

#endif  // RTFUZZ_BASE_RNG_H_
