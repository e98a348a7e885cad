/* targets/rqspinlock/variant.cc: the named presets (variant.h). */

#include "variant.h"

namespace rtfuzz::targets::rqspinlock {

namespace {

/* Upstream order; each preset includes every earlier one. */
rqspinlock_variant Upto(int level)
{
	rqspinlock_variant v;
	v.nmi_trylock = level >= 1;
	v.entry_first = level >= 2;
	v.aa_first_check = level >= 3;
	v.nmi_trylock_nested = level >= 4;
	v.single_trylock = level >= 5;
	v.aa_before_queue = level >= 6;
	v.keep_queue_on_deadlock = level >= 7;
	v.reset_tail_on_deadlock = level >= 8;
	return v;
}

}  // namespace

const std::vector<std::string_view>& VariantNames()
{
	static const std::vector<std::string_view> names = {
		"v6.15", "nmi-trylock", "a", "b", "c", "d", "e",
		"v6.19", "fixed", "e-v1-leak", "racy-count",
	};
	return names;
}

std::optional<rqspinlock_variant> ParseVariant(std::string_view name)
{
	const auto &names = VariantNames();
	for (int level = 0; level <= 8; ++level) {
		if (names[static_cast<size_t>(level)] == name)
			return Upto(level);
	}
	if (name == "e-v1-leak") {
		rqspinlock_variant v = Upto(8);
		v.e_v1_leak = true;
		return v;
	}
	if (name == "racy-count") {
		rqspinlock_variant v = Upto(8);
		v.racy_count = true;
		return v;
	}
	return std::nullopt;
}

}  // namespace rtfuzz::targets::rqspinlock
