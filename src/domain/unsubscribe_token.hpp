#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/channel.hpp"

namespace bulkmsg::domain {

/// What an unsubscribe link identifies: one target (recipient) of one campaign on one channel. The address itself
/// is not in the token; the unsubscribe route reads it from the campaign_targets row `target_id`.
struct UnsubscribeSubject {
    Channel channel = Channel::kEmail;
    std::uint64_t campaign_id = 0;
    std::uint64_t target_id = 0;
    bool operator==(const UnsubscribeSubject&) const = default;
};

/// The secrets tokens are signed with: UNSUBSCRIBE_SECRET signs and verifies, UNSUBSCRIBE_SECRET_PREVIOUS (when
/// set) only verifies, so links already sent keep working for one rotation.
struct UnsubscribeKeys {
    std::string current;
    std::string previous;  // empty = none
};

/// An opaque URL-safe token: base64url without padding of
///   version (1 byte, 1) | channel (1 byte) | campaign_id (8 bytes, big endian) | target_id (8 bytes, big endian)
///   | the first 16 bytes of HMAC-SHA-256(key, "bulkmsg-unsubscribe:" + those 18 bytes)
/// (46 characters). It carries two row ids and no address, so it reveals nothing readable about the recipient;
/// it cannot be forged without the key. Throws std::invalid_argument when `keys.current` is empty.
std::string IssueUnsubscribeToken(const UnsubscribeSubject& subject, const UnsubscribeKeys& keys);

/// The subject of a token signed under the current or the previous key; nullopt for anything else (wrong length,
/// bad alphabet, unknown version or channel, truncated or changed). The MACs are compared with CRYPTO_memcmp.
std::optional<UnsubscribeSubject> VerifyUnsubscribeToken(std::string_view token, const UnsubscribeKeys& keys);

}  // namespace bulkmsg::domain
