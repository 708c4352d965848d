#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/channel.hpp"

namespace bulkmsg::domain {

/// One recipient of a campaign (a `campaign_targets` row).
struct Target {
    std::string user_ref;  // email address, E.164 number or device token, by kind
    Channel kind = Channel::kEmail;
    std::string timezone = "UTC";  // IANA name
    nlohmann::json metadata = nlohmann::json::object();
};

/// Where in a text something is: 1-based line and column (in bytes), as editors count.
struct TextPosition {
    std::size_t line = 1;
    std::size_t column = 1;
};

/// Why one field of one row was refused; `at` is where in the field's text, when known (a template's parse error).
struct FieldError {
    std::string field;
    std::string reason;
    std::optional<TextPosition> at = std::nullopt;
};

/// Address checks by channel. Deliberately simple and strict: what providers accept, not all of RFC 5322.
bool IsValidEmail(std::string_view address);
bool IsValidE164(std::string_view number);
/// FCM registration tokens and APNs device tokens: 32 to 4096 characters of [A-Za-z0-9_:.-].
bool IsValidPushToken(std::string_view token);
/// An IANA time zone name known to the system's tz database (e.g. Asia/Tokyo, UTC).
bool IsValidTimezone(const std::string& name);

/// Builds a Target from one uploaded JSON object {user_ref, kind?, timezone?, metadata?}; `default_kind`
/// is the campaign's channel. Every problem is reported (field, reason); the Target is returned only when
/// there is none. Unknown fields are errors.
std::optional<Target> TargetFromJson(const nlohmann::json& object, Channel default_kind,
                                     std::vector<FieldError>& errors);

/// The outbox idempotency key, exactly the original service's formula:
/// lower-case hex SHA-256 of "<campaign_id>:<user_ref>:<kind>".
std::string IdempotencyKey(std::uint64_t campaign_id, std::string_view user_ref, Channel kind);

}  // namespace bulkmsg::domain
