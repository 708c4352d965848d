#include <algorithm>
#include <cmath>
#include <string>

#include "domain/config_sections.hpp"

namespace bulkmsg::domain {

void ParsePoller(const ConfigReader& r, Config& c) {
    c.poller = {
        r.Integer("POLL_INTERVAL_MS", 10, 3'600'000),      r.Integer("POLL_BATCH_SIZE", 1, 10'000),
        r.Integer("POLL_PIPELINE_DEPTH", 1, 16),           r.Integer("PREPARE_BATCH_SIZE", 1, 10'000),
        r.Integer("QUEUED_LEASE_SECONDS", 10, 7 * 86'400), r.Integer("PUBLISH_CONFIRM_TIMEOUT_MS", 100, 600'000)};
    c.poller.schedule_max_lateness_seconds = r.Duration("SCHEDULE_MAX_LATENESS", 60, 365 * 86'400);
    c.poller.drain = r.OneOf("POLL_DRAIN", {"true", "false"}) == "true";
    c.poller.queue_batch_size = r.Integer("QUEUE_BATCH_SIZE", 1, 1000);
}

void ParseConsumer(const ConfigReader& r, Config& c) {
    auto& k = c.consumer;
    k.workers = r.Integer("CONSUMER_WORKERS", 1, 64);
    k.prefetch = r.Integer("CONSUMER_PREFETCH", 1, 10'000);
    k.max_in_flight = r.Integer("CONSUMER_MAX_IN_FLIGHT", 1, 10'000);
    k.max_attempts = r.Integer("MAX_ATTEMPTS", 1, 100);
    k.retry_delay_seconds = r.Integer("RETRY_DELAY_SECONDS", 1, 7 * 86'400);
    k.exponential_backoff = r.OneOf("RETRY_BACKOFF", {"fixed", "exponential"}) == "exponential";
    k.email_rate = r.Integer("EMAIL_RATE_PER_SEC", 0, 1'000'000);
    k.sms_rate = r.Integer("SMS_RATE_PER_SEC", 0, 1'000'000);
    k.push_rate = r.Integer("PUSH_RATE_PER_SEC", 0, 1'000'000);
    k.sent_marker_ttl_seconds = r.Integer("SENT_MARKER_TTL_SECONDS", 60, 365 * 86'400);
    k.shutdown_timeout_seconds = r.Integer("SHUTDOWN_TIMEOUT_SECONDS", 1, 3600);
    // A claimed message waits at most half the lease for a rate token, then its provider call may take the whole
    // timeout: both must end before the lease does, or the poller republishes a row that is still being sent.
    if (static_cast<std::uint64_t>(c.poller.queued_lease_seconds) * 1000 < 3ULL * c.provider_transport.timeout_ms) {
        throw ConfigError("QUEUED_LEASE_SECONDS", "must be at least 3 x PROVIDER_TIMEOUT_MS (" +
                                                      std::to_string(3ULL * c.provider_transport.timeout_ms / 1000) +
                                                      " s), so a message being sent is never republished");
    }
    // The markers must outlive every redelivery and retry of a message, or a late retry could send it again.
    const double doublings =
        k.exponential_backoff ? std::pow(2.0, std::min(k.max_attempts, 30u)) * 1.25 : k.max_attempts;
    const double horizon = static_cast<double>(k.retry_delay_seconds) * doublings + c.poller.queued_lease_seconds;
    if (static_cast<double>(k.sent_marker_ttl_seconds) < horizon) {
        throw ConfigError("SENT_MARKER_TTL_SECONDS",
                          "must exceed the retry horizon (" + std::to_string(static_cast<std::uint64_t>(horizon)) +
                              " s with MAX_ATTEMPTS, RETRY_DELAY_SECONDS, RETRY_BACKOFF and QUEUED_LEASE_SECONDS)");
    }
}

}  // namespace bulkmsg::domain
