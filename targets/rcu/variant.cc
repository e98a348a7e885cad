/* targets/rcu/variant.cc: the named presets (variant.h). */

#include "variant.h"

namespace rtfuzz::targets::rcu {

const std::vector<std::string_view>& VariantNames()
{
	static const std::vector<std::string_view> names = {
		"v6.16", "ct-in-irq", "flag", "init-once", "fixed",
		"notrace-proposed", "no-qs-report",
	};
	return names;
}

std::optional<rcu_variant> ParseVariant(std::string_view name)
{
	rcu_variant v;
	if (name == "v6.16")
		return v;
	if (name == "ct-in-irq") {
		v.ct_in_irq_skip = true;
		return v;
	}
	v.pending_flag_rule = true;
	if (name == "flag")
		return v;
	v.init_iw_once = true;
	if (name == "init-once")
		return v;
	v.softirq_uses_flag = true;
	if (name == "fixed")
		return v;
	if (name == "notrace-proposed") {
		v.notrace_skips_special = true;
		return v;
	}
	if (name == "no-qs-report") {
		v.no_qs_report = true;
		return v;
	}
	return std::nullopt;
}

}  // namespace rtfuzz::targets::rcu
