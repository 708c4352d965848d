#pragma once

#include <cstdint>
#include <string>

#include "domain/channel.hpp"

namespace bulkmsg::domain {

/// A deterministic, valid recipient for test and demo data: `user<i>@example.com` for email, an E.164
/// number starting +1555 followed by ten digits for SMS (unique per i), a 64-hex-digit token for push.
std::string SeedUserRef(Channel channel, std::uint64_t index);

/// The IANA timezone given to seeded recipient `index` (cycles through a few zones on both sides of UTC).
std::string SeedTimezone(std::uint64_t index);

}  // namespace bulkmsg::domain
