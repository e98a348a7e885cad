/* targets/context_tracking/variant.cc: the named presets (variant.h). */

#include "variant.h"

namespace rtfuzz::targets::context_tracking {

const std::vector<std::string_view>& VariantNames()
{
	static const std::vector<std::string_view> names = {
		"ipi-always", "v1", "v3", "v5", "v7", "r2-planted", "no-flush-planted",
	};
	return names;
}

std::optional<ct_variant> ParseVariant(std::string_view name)
{
	ct_variant v;
	if (name == "ipi-always")
		v.version = ct_version::ipi_always;
	else if (name == "v1")
		v.version = ct_version::v1;
	else if (name == "v3")
		v.version = ct_version::v3;
	else if (name == "v5")
		v.version = ct_version::v5;
	else if (name == "v7")
		v.version = ct_version::v7;
	else if (name == "r2-planted")
		v.r2_visible_bit_defers = true;
	else if (name == "no-flush-planted")
		v.entry_skips_flush = true;
	else
		return std::nullopt;
	return v;
}

}  // namespace rtfuzz::targets::context_tracking
