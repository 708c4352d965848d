#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/http_types.hpp"
#include "domain/providers/http_codec.hpp"

/// The answers and request checks the ProviderSimulator shares between its providers: each provider's error body
/// as the real service writes it, and the small parsers its validation needs.
namespace bulkmsg::sim {

using Headers = std::vector<std::pair<std::string, std::string>>;

app::HttpResponse Json(unsigned status, const nlohmann::json& body, Headers headers = {});
app::HttpResponse Empty(unsigned status, Headers headers);
/// The request header `name` (lower-case), "" when absent.
std::string HeaderOf(const app::HttpRequest& request, const std::string& name);
/// A 32-hex-digit id for accepted messages, unique in the process and, with high probability, across runs.
std::string NextId();

/// SendGrid's {"errors": [{message, field, help}]} body.
app::HttpResponse SendgridError(unsigned status, const std::string& message, const nlohmann::json& field = nullptr);
/// The answer SendGrid gives a /v3/mail/send request it rejects (auth, content type, required fields,
/// custom_args of strings); nullopt when the request is valid.
std::optional<app::HttpResponse> ValidateSendgrid(const app::HttpRequest& request, const std::string& api_key,
                                                  const nlohmann::json& body);

/// The 400 a bulk sender's mail gets without one-click unsubscribe (RFC 8058): every personalization's `headers`
/// must hold `List-Unsubscribe` with an https or http URL in angle brackets and `List-Unsubscribe-Post:
/// List-Unsubscribe=One-Click`. Not a SendGrid check: the simulator plays the mailbox providers' rule.
std::optional<app::HttpResponse> ValidateUnsubscribeHeaders(const nlohmann::json& body);

/// Twilio's {code, message, more_info, status} body.
app::HttpResponse TwilioError(unsigned status, long code, const std::string& message);
/// The first form field `name`, "" when absent.
std::string FormValue(const domain::FormFields& form, const std::string& name);

/// FCM v1's google.rpc error body, with the FcmError detail when `error_code` is set.
app::HttpResponse FcmError(unsigned status, const std::string& rpc_status, const std::string& error_code,
                           const std::string& message, Headers headers = {});

/// APNs' {"reason"[, "timestamp"]} body with the apns-id header.
app::HttpResponse ApnsError(unsigned status, const std::string& reason, const std::string& apns_id,
                            std::optional<std::int64_t> timestamp_ms = std::nullopt);
bool IsHex(std::string_view text);
/// A canonical lower-case UUID (8-4-4-4-12), as APNs requires of apns-id.
bool IsLowerUuid(std::string_view id);

}  // namespace bulkmsg::sim
