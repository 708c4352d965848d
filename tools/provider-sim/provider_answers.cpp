#include "provider_answers.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <random>

namespace bulkmsg::sim {

using app::HttpRequest;
using app::HttpResponse;
using nlohmann::json;

HttpResponse Json(unsigned status, const json& body, Headers headers) {
    auto response = app::JsonResponse(status, body);
    response.headers = std::move(headers);
    return response;
}

HttpResponse Empty(unsigned status, Headers headers) {
    HttpResponse response;
    response.status = status;
    response.headers = std::move(headers);
    return response;
}

std::string HeaderOf(const HttpRequest& request, const std::string& name) {
    const auto it = request.headers.find(name);
    return it == request.headers.end() ? "" : it->second;
}

std::string NextId() {
    // The high half differs between runs: bulkmsg matches Twilio callbacks on the sid, so a restarted simulator
    // must not hand out the sids of messages already in the database again.
    static const std::uint64_t run = std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32);
    static std::atomic<std::uint64_t> counter{0};
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%016llx%016llx", static_cast<unsigned long long>(run),
                  static_cast<unsigned long long>(++counter));
    return buffer;
}

// --- SendGrid -------------------------------------------------------------------------------------------------

HttpResponse SendgridError(unsigned status, const std::string& message, const json& field) {
    return Json(status, {{"errors", {{{"message", message}, {"field", field}, {"help", nullptr}}}}});
}

std::optional<HttpResponse> ValidateSendgrid(const HttpRequest& request, const std::string& api_key, const json& body) {
    if (request.method != "POST") {
        return SendgridError(405, "POST method allowed only");
    }
    const auto auth = HeaderOf(request, "authorization");
    if (!auth.starts_with("Bearer ") || auth.size() == 7 || (!api_key.empty() && auth != "Bearer " + api_key)) {
        return SendgridError(401, "The provided authorization grant is invalid, expired, or revoked");
    }
    if (!HeaderOf(request, "content-type").starts_with("application/json")) {
        return SendgridError(415, "Content-Type should be application/json.");
    }
    if (!body.is_object()) {
        return SendgridError(400, "Bad Request");
    }
    const auto& ps = body.contains("personalizations") ? body["personalizations"] : json();
    if (!ps.is_array() || ps.empty() || ps.size() > 1000) {
        return SendgridError(400, "The personalizations field is required and must have at least one personalization.",
                             "personalizations");
    }
    for (const auto& p : ps) {
        if (!p.is_object() || !p.contains("to") || !p["to"].is_array() || p["to"].empty() ||
            !std::all_of(p["to"].begin(), p["to"].end(), [](const json& to) {
                return to.is_object() && to.contains("email") && to["email"].is_string();
            })) {
            return SendgridError(400, "The to array is required for all personalization objects.",
                                 "personalizations.0.to");
        }
    }
    if (!body.contains("from") || !body["from"].is_object() || !body["from"].contains("email") ||
        !body["from"]["email"].is_string()) {
        return SendgridError(400, "The from object must be provided for every email send.", "from.email");
    }
    if (!body.contains("subject") || !body["subject"].is_string() || body["subject"].get<std::string>().empty()) {
        return SendgridError(400, "The subject is required.", "subject");
    }
    if (!body.contains("content") || !body["content"].is_array() || body["content"].empty()) {
        return SendgridError(400, "Unless a valid template_id is provided, the content parameter is required.",
                             "content");
    }
    if (body.contains("custom_args")) {
        const auto& args = body["custom_args"];
        if (!args.is_object()) {
            return SendgridError(400, "Invalid type. Expected: object, given: string.", "custom_args");
        }
        for (const auto& [key, value] : args.items()) {
            if (!value.is_string()) {
                return SendgridError(400, "Bad Request");
            }
        }
    }
    return std::nullopt;
}

std::optional<HttpResponse> ValidateUnsubscribeHeaders(const json& body) {
    for (const auto& p : body["personalizations"]) {
        const auto headers = p.value("headers", json::object());
        const auto link = headers.is_object() ? headers.value("List-Unsubscribe", "") : std::string();
        const auto post = headers.is_object() ? headers.value("List-Unsubscribe-Post", "") : std::string();
        if (!(link.starts_with("<https://") || link.starts_with("<http://")) || post != "List-Unsubscribe=One-Click") {
            return SendgridError(400, "bulk mail needs List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) headers",
                                 "personalizations.0.headers");
        }
    }
    return std::nullopt;
}

// --- Twilio ---------------------------------------------------------------------------------------------------

HttpResponse TwilioError(unsigned status, long code, const std::string& message) {
    return Json(status, {{"code", code},
                         {"message", message},
                         {"more_info", "https://www.twilio.com/docs/errors/" + std::to_string(code)},
                         {"status", status}});
}

std::string FormValue(const domain::FormFields& form, const std::string& name) {
    const auto it = std::find_if(form.begin(), form.end(), [&](const auto& f) { return f.first == name; });
    return it == form.end() ? "" : it->second;
}

// --- FCM ------------------------------------------------------------------------------------------------------

HttpResponse FcmError(unsigned status, const std::string& rpc_status, const std::string& error_code,
                      const std::string& message, Headers headers) {
    json error = {{"code", status}, {"message", message}, {"status", rpc_status}};
    if (!error_code.empty()) {
        error["details"] = {
            {{"@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError"}, {"errorCode", error_code}}};
    }
    return Json(status, {{"error", error}}, std::move(headers));
}

// --- APNs -----------------------------------------------------------------------------------------------------

HttpResponse ApnsError(unsigned status, const std::string& reason, const std::string& apns_id,
                       std::optional<std::int64_t> timestamp_ms) {
    json body = {{"reason", reason}};
    if (timestamp_ms) {
        body["timestamp"] = *timestamp_ms;
    }
    return Json(status, body, {{"apns-id", apns_id}});
}

bool IsHex(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

bool IsLowerUuid(std::string_view id) {
    if (id.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? id[i] != '-'
                 : !(std::isdigit(static_cast<unsigned char>(id[i])) || (id[i] >= 'a' && id[i] <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace bulkmsg::sim
