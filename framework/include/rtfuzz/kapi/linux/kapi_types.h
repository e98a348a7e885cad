/* framework/include/rtfuzz/kapi/linux/kapi_types.h
 *
 * What the kernel's <linux/types.h> gives: fixed-width integers, atomic_t,
 * atomic64_t, atomic_long_t and struct list_head. Named kapi_types.h because
 * <linux/types.h> is a UAPI header under /usr/include that system headers
 * include; kapi does not shadow it (kapi/README.md).
 */

#ifndef RTFUZZ_KAPI_LINUX_KAPI_TYPES_H_
#define RTFUZZ_KAPI_LINUX_KAPI_TYPES_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/object_id.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

/*
 * The atomic types carry a hidden object id (internal/object_id.h) so traces
 * name them deterministically. Initialize with ATOMIC_INIT() and friends, or
 * atomic_set(); a struct copy of an atomic_t copies its id too. The id is
 * written on first use, even by atomic_read(): an atomic_t must not be
 * defined const.
 */
typedef struct {
	int counter;
	struct rtfuzz_kapi_obj rtfuzz_obj;
} atomic_t;

typedef struct {
	s64 counter;
	struct rtfuzz_kapi_obj rtfuzz_obj;
} atomic64_t;

typedef struct {
	long counter;
	struct rtfuzz_kapi_obj rtfuzz_obj;
} atomic_long_t;

#define ATOMIC_INIT(i)		{ (i), RTFUZZ_KAPI_OBJ_INIT }
#define ATOMIC64_INIT(i)	{ (i), RTFUZZ_KAPI_OBJ_INIT }
#define ATOMIC_LONG_INIT(i)	{ (i), RTFUZZ_KAPI_OBJ_INIT }

struct list_head {
	struct list_head *next, *prev;
};

#endif  /* RTFUZZ_KAPI_LINUX_KAPI_TYPES_H_ */
