/* framework/include/rtfuzz/kapi/linux/container_of.h
 *
 * container_of(), as in the kernel's <linux/container_of.h>: the enclosing
 * object of a member, with the kernel's check that `ptr` points to the
 * member's type (or is void *). Not a point: address arithmetic only.
 */

#ifndef RTFUZZ_KAPI_LINUX_CONTAINER_OF_H_
#define RTFUZZ_KAPI_LINUX_CONTAINER_OF_H_

#include "rtfuzz/kapi/internal/kapi.h"

namespace rtfuzz::kapi::internal {

/*
 * The arithmetic is done on integers: the list iterators compute the
 * container of a NULL member pointer and test it (member_address_is_nonnull),
 * which on pointers would be UB that UBSan reports.
 */
template <typename Type, typename Member, typename Ptr>
inline Type *ContainerOf(Ptr *ptr, size_t offset)
{
	static_assert(std::is_same_v<std::remove_cv_t<Member>, std::remove_cv_t<Ptr>> ||
			      std::is_void_v<Ptr>,
		      "pointer type mismatch in container_of()");
	return reinterpret_cast<Type *>(reinterpret_cast<uintptr_t>(ptr) - offset);
}

}  // namespace rtfuzz::kapi::internal

/**
 * container_of - cast a member of a structure out to the containing structure
 * @ptr:	the pointer to the member.
 * @type:	the type of the container struct this is embedded in.
 * @member:	the name of the member within the struct.
 */
#define container_of(ptr, type, member)						\
	(::rtfuzz::kapi::internal::ContainerOf<type,				\
		__typeof__(((type *)0)->member)>((ptr), offsetof(type, member)))

#endif  /* RTFUZZ_KAPI_LINUX_CONTAINER_OF_H_ */
