#include <string>
#include <vector>

#include "domain/config_sections.hpp"

namespace bulkmsg::domain {

namespace {

void RequireCredentials(const ConfigReader& r, const std::string& provider_var, const std::string& real_provider,
                        const std::vector<std::string>& credential_vars) {
    if (r.Text(provider_var) != real_provider) {
        return;
    }
    for (const auto& var : credential_vars) {
        if (r.Text(var).empty()) {
            throw ConfigError(var, "is required when " + provider_var + "=" + real_provider);
        }
    }
}

const char* kApnsProduction = "https://api.push.apple.com";
const char* kApnsSandbox = "https://api.sandbox.push.apple.com";

}  // namespace

/// The email, SMS and push providers. With "simulator", the real clients are pointed at the local simulator
/// (PROVIDER_SIMULATOR_URL, PROVIDER_SIMULATOR_APNS_URL) and need the same credentials as the real services.
void ParseProviders(const ConfigReader& r, Config& c) {
    const auto simulator = r.Url("PROVIDER_SIMULATOR_URL");
    c.email.provider = r.OneOf("EMAIL_PROVIDER", {"sendgrid", "simulator", "log"});
    c.email.api_key = r.Text("EMAIL_API_KEY");
    c.email.from = r.Required("EMAIL_FROM");
    c.email.from_name = r.Text("EMAIL_FROM_NAME");
    c.email.base_url = c.email.provider == "simulator" ? simulator : r.Url("SENDGRID_BASE_URL");
    for (const auto* real : {"sendgrid", "simulator"}) {
        RequireCredentials(r, "EMAIL_PROVIDER", real, {"EMAIL_API_KEY"});
    }

    c.sms.provider = r.OneOf("SMS_PROVIDER", {"twilio", "simulator", "log"});
    c.sms.account_sid = r.Text("SMS_ACCOUNT_SID");
    c.sms.auth_token = r.Text("SMS_AUTH_TOKEN");
    c.sms.sender_id = r.Required("SMS_SENDER_ID");
    c.sms.messaging_service_sid = r.Text("SMS_MESSAGING_SERVICE_SID");
    c.sms.status_callback_url = r.Url("SMS_STATUS_CALLBACK_URL", true);
    c.sms.base_url = c.sms.provider == "simulator" ? simulator : r.Url("TWILIO_BASE_URL");
    for (const auto* real : {"twilio", "simulator"}) {
        RequireCredentials(r, "SMS_PROVIDER", real, {"SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN"});
    }

    auto& p = c.push;
    p.provider = r.OneOf("PUSH_PROVIDER", {"fcm", "apns", "simulator", "log"});
    p.fcm_credentials_file = r.Text("FCM_CREDENTIALS_FILE");
    p.apns_key_file = r.Text("APNS_KEY_FILE");
    p.apns_key_id = r.Text("APNS_KEY_ID");
    p.apns_team_id = r.Text("APNS_TEAM_ID");
    p.apns_topic = r.Text("APNS_TOPIC");
    p.apns_expiration_seconds = r.Integer("APNS_EXPIRATION_SECONDS", 0, 30 * 86'400);
    const auto environment = r.OneOf("APNS_ENVIRONMENT", {"production", "sandbox"});
    if (p.provider == "simulator") {
        p.fcm_base_url = simulator;
        p.fcm_token_url = simulator + "/token";
        p.apns_base_url = r.Url("PROVIDER_SIMULATOR_APNS_URL");
    } else {
        p.fcm_base_url = r.Url("FCM_BASE_URL");
        p.fcm_token_url = r.Url("FCM_TOKEN_URL", true);
        p.apns_base_url = r.Url("APNS_BASE_URL", true);
        if (p.apns_base_url.empty()) {
            p.apns_base_url = environment == "production" ? kApnsProduction : kApnsSandbox;
        }
    }
    for (const auto* real : {"fcm", "simulator"}) {
        RequireCredentials(r, "PUSH_PROVIDER", real, {"FCM_CREDENTIALS_FILE"});
    }
    for (const auto* real : {"apns", "simulator"}) {
        RequireCredentials(r, "PUSH_PROVIDER", real, {"APNS_KEY_FILE", "APNS_KEY_ID", "APNS_TEAM_ID", "APNS_TOPIC"});
    }
    c.provider_transport.timeout_ms = r.Integer("PROVIDER_TIMEOUT_MS", 100, 600'000);
    c.provider_transport.ca_file = r.Text("PROVIDER_CA_FILE");
}

}  // namespace bulkmsg::domain
