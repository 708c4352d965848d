#include "feedback_cli.hpp"

#include <stdexcept>

#include "app/config_loader.hpp"

namespace bulkmsg::sim {

void AddFeedbackOptions(CLI::App& app, FeedbackCliOptions& o) {
    auto rate = [&](const std::string& flag, double& value, const std::string& what) {
        app.add_option(flag, value, what)->check(CLI::Range(0.0, 1.0))->capture_default_str()->group("Feedback");
    };
    app.add_option("--webhook-url", o.webhook_url,
                   "bulkmsg's PUBLIC_BASE_URL: send provider webhooks there (off when absent)")
        ->group("Feedback");
    app.add_option("--sendgrid-webhook-key", o.sendgrid_key_file, "PEM EC P-256 private key signing SendGrid events")
        ->group("Feedback");
    rate("--feedback-bounce", o.rates.bounce, "Share of accepted mail that hard-bounces");
    rate("--feedback-dropped", o.rates.dropped, "Share of accepted mail SendGrid drops (Bounced Address)");
    rate("--feedback-deferred", o.rates.deferred, "Share of accepted mail deferred, then delivered");
    rate("--feedback-spamreport", o.rates.spamreport, "Share of accepted mail delivered, then reported as spam");
    rate("--feedback-open", o.rates.open, "Share of accepted mail delivered and opened");
    rate("--feedback-click", o.rates.click, "Share of accepted mail delivered, opened and clicked");
    rate("--feedback-duplicates", o.rates.duplicates, "Share of messages whose final event is sent twice");
    rate("--feedback-out-of-order", o.rates.out_of_order, "Share of messages whose events are sent last first");
    rate("--feedback-sms-undelivered", o.rates.sms_undelivered, "Share of SMS undelivered (ErrorCode 30006)");
    rate("--feedback-sms-failed", o.rates.sms_failed, "Share of SMS failed (ErrorCode 30008)");
    rate("--sms-stop", o.rates.sms_stop, "Share of SMS recipients that text STOP back");
    app.add_option("--feedback-seed", o.seed, "Seed of the feedback plan")->capture_default_str()->group("Feedback");
    app.add_option("--feedback-batch-events", o.batch_events, "Most events in one SendGrid post")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str()
        ->group("Feedback");
    app.add_option("--feedback-flush-ms", o.flush_ms, "Longest wait of an event for its SendGrid batch")
        ->capture_default_str()
        ->group("Feedback");
    app.add_option("--feedback-in-flight", o.in_flight, "Most webhook requests in flight at once")
        ->check(CLI::Range(1, 256))
        ->capture_default_str()
        ->group("Feedback");
}

std::optional<FeedbackSettings> FeedbackSettingsFrom(const FeedbackCliOptions& o,
                                                     const std::string& twilio_auth_token) {
    if (o.webhook_url.empty()) {
        return std::nullopt;
    }
    FeedbackSettings settings;
    settings.webhook_url =
        o.webhook_url.ends_with('/') ? o.webhook_url.substr(0, o.webhook_url.size() - 1) : o.webhook_url;
    if (!o.sendgrid_key_file.empty()) {
        auto pem = app::ReadTextFile(o.sendgrid_key_file);
        if (!pem) {
            throw std::runtime_error("cannot read " + o.sendgrid_key_file);
        }
        settings.sendgrid_private_key_pem = std::move(*pem);
    }
    settings.twilio_auth_token = twilio_auth_token;
    settings.rates = o.rates;
    settings.seed = o.seed;
    settings.batch_events = o.batch_events;
    settings.flush_interval = std::chrono::milliseconds(o.flush_ms);
    return settings;
}

}  // namespace bulkmsg::sim
