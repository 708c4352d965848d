#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/outbox_row.hpp"

namespace bulkmsg::domain {

using FormFields = std::vector<std::pair<std::string, std::string>>;

std::string Base64Encode(std::string_view bytes);
/// Throws std::invalid_argument on characters outside the standard alphabet or a bad length.
std::string Base64Decode(std::string_view text);

/// application/x-www-form-urlencoded, as Twilio and OAuth2 token endpoints expect (space as '+').
std::string FormEncode(const FormFields& fields);
/// Decodes a form body; fields keep their order. Malformed escapes are kept literally.
FormFields ParseForm(std::string_view body);
std::string PercentDecode(std::string_view text, bool plus_is_space);

/// The wait a Retry-After header asks for: delay-seconds or an HTTP-date (RFC 9110 §10.2.3), never negative.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, TimePoint now);

/// `text` cut to at most `max` bytes without splitting a UTF-8 sequence (for last_error).
std::string ShortReason(std::string_view text, std::size_t max = 250);

}  // namespace bulkmsg::domain
