#include "app/metrics/metrics.hpp"

namespace bulkmsg::app {

namespace {

// Provider calls take milliseconds (simulator) to seconds (a slow provider before its timeout).
const std::vector<double> kProviderBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
// A batch's confirms arrive after the broker's disk sync: milliseconds, seconds when it is overloaded.
const std::vector<double> kConfirmBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

}  // namespace

Metrics::Metrics()
    : build_info(registry.AddGauge("bulkmsg_build_info", "Version and role of this process (always 1)",
                                   {"version", "revision", "role"})),
      messages_sent(registry.AddCounter("bulkmsg_messages_sent_total", "Messages the provider accepted",
                                        {"channel", "provider"})),
      messages_failed(registry.AddCounter("bulkmsg_messages_failed_total",
                                          "Messages that ended failed (permanent error or attempts exhausted)",
                                          {"channel", "provider"})),
      messages_retried(registry.AddCounter("bulkmsg_messages_retried_total",
                                           "Messages put back for a later attempt after a transient error",
                                           {"channel", "provider"})),
      messages_deduplicated(registry.AddCounter(
          "bulkmsg_messages_deduplicated_total",
          "Deliveries skipped because the message was already sent, failed or being sent elsewhere", {"channel"})),
      provider_request_seconds(registry.AddHistogram("bulkmsg_provider_request_duration_seconds",
                                                     "Provider request latency by outcome class",
                                                     {"provider", "outcome"}, kProviderBuckets)),
      consumer_in_flight(registry.AddGauge("bulkmsg_consumer_in_flight", "Provider requests in flight")),
      rate_limiter_waits(registry.AddCounter("bulkmsg_rate_limiter_waits_total",
                                             "Times a message found no rate-limit token and waited", {"channel"})),
      rate_limiter_holds(registry.AddCounter("bulkmsg_rate_limiter_holds_total",
                                             "Times a provider's 429 held its channel back", {"channel"})),
      poller_batches(registry.AddCounter("bulkmsg_poller_batches_total", "Claim batches published", {"kind"})),
      poller_rows_published(registry.AddCounter("bulkmsg_poller_rows_published_total",
                                                "Outbox rows published and confirmed by the broker", {"kind"})),
      poller_rows_nacked(registry.AddCounter("bulkmsg_poller_rows_nacked_total",
                                             "Outbox rows the broker nacked or did not confirm (left to retry)",
                                             {"kind"})),
      poller_confirm_seconds(registry.AddHistogram("bulkmsg_poller_confirm_duration_seconds",
                                                   "Time from a batch's publish to its last broker confirm", {},
                                                   kConfirmBuckets)),
      outbox_rows(registry.AddGauge("bulkmsg_outbox_rows", "Outbox rows by status", {"status"})),
      campaigns(registry.AddGauge("bulkmsg_campaigns", "Campaigns by status", {"status"})),
      campaign_messages(registry.AddGauge(
          "bulkmsg_campaign_messages", "Outbox rows of each unfinished campaign by status", {"campaign_id", "status"})),
      queue_messages(registry.AddGauge("bulkmsg_queue_messages", "Ready messages in a RabbitMQ queue", {"queue"})),
      db_connections(
          registry.AddGauge("bulkmsg_db_connections", "MySQL connections of this process by state", {"state"})),
      dependency_errors(registry.AddCounter("bulkmsg_dependency_errors_total",
                                            "Failed operations against MySQL, RabbitMQ or Redis", {"dependency"})),
      broker_connections(registry.AddGauge("bulkmsg_broker_connections",
                                           "Open AMQP connections of this process by broker endpoint", {"endpoint"})),
      broker_failovers(registry.AddCounter(
          "bulkmsg_broker_failovers_total",
          "AMQP connections made to a different broker endpoint than the same owner's previous connection")),
      http_requests(
          registry.AddCounter("bulkmsg_http_requests_total", "HTTP requests answered, by status code", {"code"})),
      trace_spans(registry.AddCounter("bulkmsg_trace_spans_total",
                                      "Spans sent to the OTLP endpoint, or dropped (queue full or export failed)",
                                      {"result"})),
      webhook_events(registry.AddCounter("bulkmsg_webhook_events_total",
                                         "Provider feedback events stored (duplicates not counted)",
                                         {"provider", "channel", "type"})),
      webhook_duplicates(registry.AddCounter("bulkmsg_webhook_duplicate_events_total",
                                             "Provider feedback events received again and ignored", {"provider"})),
      webhook_rejected(registry.AddCounter("bulkmsg_webhook_rejected_total",
                                           "Webhook requests refused (bad signature, stale, malformed...)",
                                           {"provider", "reason"})),
      webhook_late_matches(registry.AddCounter("bulkmsg_webhook_late_matches_total",
                                               "Feedback events matched to their message after they arrived (a "
                                               "callback ahead of the stored provider message id)",
                                               {"provider"})),
      suppressions_added(registry.AddCounter("bulkmsg_suppressions_added_total",
                                             "Addresses put on a suppression list by provider feedback", {"source"})) {
    db_connections.With({"in_use"});
    broker_failovers.With({});  // exposed as 0 before the first failover
    db_connections.With({"idle"});
}

Metrics& ProcessMetrics() {
    static auto* metrics = new Metrics();  // never destroyed: worker threads may count during exit
    return *metrics;
}

void CountDependencyError(const char* dependency) {
    ProcessMetrics().dependency_errors.With({dependency}).Inc();
}

}  // namespace bulkmsg::app
