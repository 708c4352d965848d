#include "domain/target.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cctype>

#include "domain/sha256.hpp"

namespace bulkmsg::domain {

namespace {

bool IsDomainLabelChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
}

bool IsValidDomain(std::string_view domain) {
    if (domain.empty() || domain.size() > 253 || domain.find('.') == std::string_view::npos) {
        return false;
    }
    std::size_t start = 0;
    while (start <= domain.size()) {
        const auto end = std::min(domain.find('.', start), domain.size());
        const auto label = domain.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
            !std::all_of(label.begin(), label.end(), IsDomainLabelChar)) {
            return false;
        }
        start = end + 1;
    }
    return true;
}

bool IsLocalPartChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
}

const std::vector<std::string> kTargetFields = {"user_ref", "kind", "timezone", "metadata"};

}  // namespace

bool IsValidEmail(std::string_view address) {
    const auto at = address.rfind('@');
    if (address.size() > 254 || at == std::string_view::npos || at == 0 || at > 64) {
        return false;
    }
    const auto local = address.substr(0, at);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos ||
        !std::all_of(local.begin(), local.end(), IsLocalPartChar)) {
        return false;
    }
    return IsValidDomain(address.substr(at + 1));
}

bool IsValidE164(std::string_view number) {
    return number.size() >= 9 && number.size() <= 16 && number[0] == '+' && number[1] >= '1' && number[1] <= '9' &&
           std::all_of(number.begin() + 1, number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsValidPushToken(std::string_view token) {
    return token.size() >= 32 && token.size() <= 4096 && std::all_of(token.begin(), token.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '.' || c == '-';
           });
}

bool IsValidTimezone(const std::string& name) {
    if (name.empty() || name.size() > 64) {
        return false;
    }
    try {
        return date::locate_zone(name) != nullptr;
    } catch (const std::exception&) {
        return false;
    }
}

std::optional<Target> TargetFromJson(const nlohmann::json& object, Channel default_kind,
                                     std::vector<FieldError>& errors) {
    const auto errors_before = errors.size();
    if (!object.is_object()) {
        errors.push_back({"row", "must be a JSON object"});
        return std::nullopt;
    }
    for (const auto& [key, value] : object.items()) {
        if (std::find(kTargetFields.begin(), kTargetFields.end(), key) == kTargetFields.end()) {
            errors.push_back({key, "unknown field"});
        }
    }
    Target target;
    target.kind = default_kind;
    if (auto it = object.find("kind"); it != object.end()) {
        const auto kind = it->is_string() ? ParseChannel(it->get<std::string>()) : std::nullopt;
        if (!kind) {
            errors.push_back({"kind", "must be one of email, sms, push"});
        } else {
            target.kind = *kind;
        }
    }
    const auto user_ref = object.find("user_ref");
    if (user_ref == object.end() || !user_ref->is_string() || user_ref->get<std::string>().empty()) {
        errors.push_back({"user_ref", "is required and must be a non-empty string"});
    } else {
        target.user_ref = user_ref->get<std::string>();
        const bool valid = target.kind == Channel::kEmail ? IsValidEmail(target.user_ref)
                           : target.kind == Channel::kSms ? IsValidE164(target.user_ref)
                                                          : IsValidPushToken(target.user_ref);
        if (!valid) {
            errors.push_back({"user_ref", target.kind == Channel::kEmail ? "is not a valid email address"
                                          : target.kind == Channel::kSms
                                              ? "is not an E.164 phone number (+ and 8 to 15 digits)"
                                              : "is not a valid push device token"});
        }
    }
    if (auto it = object.find("timezone"); it != object.end()) {
        if (!it->is_string() || !IsValidTimezone(it->get<std::string>())) {
            errors.push_back({"timezone", "must be an IANA time zone name such as Europe/Paris"});
        } else {
            target.timezone = it->get<std::string>();
        }
    }
    if (auto it = object.find("metadata"); it != object.end()) {
        if (!it->is_object()) {
            errors.push_back({"metadata", "must be a JSON object"});
        } else {
            target.metadata = *it;
        }
    }
    if (errors.size() > errors_before) {
        return std::nullopt;
    }
    return target;
}

std::string IdempotencyKey(std::uint64_t campaign_id, std::string_view user_ref, Channel kind) {
    return Sha256Hex(std::to_string(campaign_id) + ":" + std::string(user_ref) + ":" + std::string(ToString(kind)));
}

}  // namespace bulkmsg::domain
