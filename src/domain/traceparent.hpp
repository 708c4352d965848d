#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace bulkmsg::domain {

/// A new W3C traceparent ("00-<32 hex trace id>-<16 hex span id>-01") from 24 random bytes.
std::string MakeTraceparent(const std::array<std::uint8_t, 24>& random_bytes);

/// True when `value` is a well-formed version-00 traceparent with non-zero ids.
bool IsValidTraceparent(std::string_view value);

}  // namespace bulkmsg::domain
