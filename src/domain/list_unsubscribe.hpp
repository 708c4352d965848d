#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "domain/config.hpp"
#include "domain/unsubscribe_token.hpp"

namespace bulkmsg::domain {

/// How unsubscribe links are built: PUBLIC_BASE_URL, the UNSUBSCRIBE_SECRET keys and UNSUBSCRIBE_MAILTO.
/// Disabled (no links, no headers) while the base URL or the current key is empty.
struct UnsubscribeLinks {
    std::string base_url;  // no trailing slash
    UnsubscribeKeys keys;
    std::string mailto;  // empty = no mailto: in List-Unsubscribe
    bool Enabled() const { return !base_url.empty() && !keys.current.empty(); }
};

/// The links of a configuration: PUBLIC_BASE_URL and the UNSUBSCRIBE_* variables.
UnsubscribeLinks UnsubscribeLinksOf(const Config& config);

/// "<base_url>/u/<token>": the one-click URL of one target of one campaign.
std::string UnsubscribeUrl(const UnsubscribeLinks& links, const UnsubscribeSubject& subject);

/// The RFC 8058 / RFC 2919 headers of a marketing email, as a JSON object of strings (SendGrid personalization
/// `headers`):
///   List-Unsubscribe: <url>[, <mailto:UNSUBSCRIBE_MAILTO>]
///   List-Unsubscribe-Post: List-Unsubscribe=One-Click
///   List-Id: campaign <id> <campaign-<id>.<host of base_url>>
nlohmann::json ListUnsubscribeHeaders(const UnsubscribeLinks& links, const std::string& url, std::uint64_t campaign_id);

}  // namespace bulkmsg::domain
