#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace bulkmsg::domain {

/// Lower-case hex of `bytes` (two characters per byte).
std::string HexOf(std::span<const std::uint8_t> bytes);

/// Whether two secrets (tokens, MACs) are equal, in time that depends only on their lengths.
bool SameSecret(std::string_view a, std::string_view b);

}  // namespace bulkmsg::domain
