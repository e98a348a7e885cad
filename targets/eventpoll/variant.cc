/* targets/eventpoll/variant.cc: the named presets (variant.h). */

#include "variant.h"

namespace rtfuzz::targets::eventpoll {

const std::vector<std::string_view>& VariantNames()
{
	static const std::vector<std::string_view> names = {
		"rwlock", "spinlock", "llist-v3",
		"lost-wakeup", "lost-event", "double-link", "v3-check-then-add",
		"v3-plain-available",
	};
	return names;
}

std::optional<eventpoll_variant> ParseVariant(std::string_view name)
{
	eventpoll_variant v;
	if (name == "rwlock") {
		v.lock = EP_LOCK_RWLOCK;
	} else if (name == "spinlock") {
		v.lock = EP_LOCK_SPINLOCK;
	} else if (name == "llist-v3") {
		v.lock = EP_LOCK_NONE_LLIST;
	} else if (name == "lost-wakeup") {
		v.lock = EP_LOCK_SPINLOCK;
		v.wq_check_outside_lock = true;
	} else if (name == "lost-event") {
		v.lock = EP_LOCK_NONE_LLIST;
		v.no_recheck_after_poll = true;
	} else if (name == "double-link") {
		v.lock = EP_LOCK_RWLOCK;
		v.reinject_without_linked_check = true;
	} else if (name == "v3-check-then-add") {
		v.lock = EP_LOCK_NONE_LLIST;
		v.v3_check_then_add = true;
	} else if (name == "v3-plain-available") {
		v.lock = EP_LOCK_NONE_LLIST;
		v.v3_plain_available = true;
	} else {
		return std::nullopt;
	}
	return v;
}

}  // namespace rtfuzz::targets::eventpoll
