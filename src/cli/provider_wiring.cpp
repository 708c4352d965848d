#include "cli/provider_wiring.hpp"

#include "app/config_loader.hpp"
#include "app/providers/apns_api.hpp"
#include "app/providers/fcm_api.hpp"
#include "app/providers/http_provider.hpp"
#include "app/providers/log_provider.hpp"
#include "app/providers/stateless_api.hpp"
#include "domain/providers/sendgrid_protocol.hpp"
#include "domain/providers/twilio_protocol.hpp"

namespace bulkmsg::cli {

namespace {

std::string ReadFile(const std::string& variable, const std::string& path) {
    auto text = app::ReadTextFile(path);
    if (!text) {
        throw domain::ConfigError(variable, "cannot read '" + path + "'");
    }
    return std::move(*text);
}

struct Builder {
    const domain::Config& config;
    app::Clock& clock;
    http::CurlTransport& transport;

    std::unique_ptr<app::MessageProvider> Http(std::unique_ptr<app::ProviderApi> api) const {
        return std::make_unique<app::HttpProvider>(std::move(api), transport, clock);
    }

    std::unique_ptr<app::MessageProvider> Email() const {
        if (config.email.provider == "log") {
            return std::make_unique<app::LogProvider>();
        }
        const domain::SendgridSettings settings{config.email.base_url, config.email.api_key, config.email.from_name};
        return Http(std::make_unique<app::StatelessApi>(
            "sendgrid",
            [settings](const domain::OutboundMessage& m) { return domain::BuildSendgridRequest(m, settings); },
            domain::ClassifySendgridResponse));
    }

    std::unique_ptr<app::MessageProvider> Sms() const {
        if (config.sms.provider == "log") {
            return std::make_unique<app::LogProvider>();
        }
        const domain::TwilioSettings settings{config.sms.base_url, config.sms.account_sid, config.sms.auth_token,
                                              config.sms.messaging_service_sid, config.sms.status_callback_url};
        return Http(std::make_unique<app::StatelessApi>(
            "twilio", [settings](const domain::OutboundMessage& m) { return domain::BuildTwilioRequest(m, settings); },
            domain::ClassifyTwilioResponse));
    }

    std::unique_ptr<app::MessageProvider> Fcm() const {
        const auto& p = config.push;
        domain::ServiceAccount account;
        try {
            account = domain::ParseServiceAccount(ReadFile("FCM_CREDENTIALS_FILE", p.fcm_credentials_file));
        } catch (const std::invalid_argument& e) {
            throw domain::ConfigError("FCM_CREDENTIALS_FILE", e.what());
        }
        const http::CurlTransportOptions options{std::chrono::milliseconds(config.provider_transport.timeout_ms),
                                                 config.provider_transport.ca_file};
        auto fetch = [options](const domain::ProviderRequest& request) { return http::FetchOnce(request, options); };
        const domain::FcmSettings settings{p.fcm_base_url, account.project_id};
        return Http(std::make_unique<app::FcmApi>(settings, std::move(account), p.fcm_token_url, std::move(fetch)));
    }

    std::unique_ptr<app::MessageProvider> Apns() const {
        const auto& p = config.push;
        auto key = ReadFile("APNS_KEY_FILE", p.apns_key_file);
        try {
            domain::ApnsProviderToken(key, p.apns_key_id, p.apns_team_id, clock.Now());
        } catch (const std::invalid_argument& e) {
            throw domain::ConfigError("APNS_KEY_FILE", std::string("not a usable P-256 .p8 key: ") + e.what());
        }
        return Http(std::make_unique<app::ApnsApi>(
            domain::ApnsSettings{p.apns_base_url, p.apns_topic, p.apns_expiration_seconds}, std::move(key),
            p.apns_key_id, p.apns_team_id));
    }

    std::unique_ptr<app::MessageProvider> Push() const {
        if (config.push.provider == "log") {
            return std::make_unique<app::LogProvider>();
        }
        return config.push.UsesFcm() ? Fcm() : Apns();
    }
};

}  // namespace

WorkerProviders BuildWorkerProviders(const domain::Config& config, app::Clock& clock) {
    WorkerProviders providers;
    providers.transport = std::make_unique<http::CurlTransport>(http::CurlTransportOptions{
        std::chrono::milliseconds(config.provider_transport.timeout_ms), config.provider_transport.ca_file});
    const Builder build{config, clock, *providers.transport};
    const bool both_push = config.push.UsesFcm() && config.push.UsesApns();
    providers.router = std::make_unique<app::ProviderRouter>(build.Email(), build.Sms(), build.Push(),
                                                             both_push ? build.Apns() : nullptr);
    return providers;
}

}  // namespace bulkmsg::cli
