#pragma once

#include "app/metrics/metrics_registry.hpp"

namespace bulkmsg::app {

/// Every metric bulkmsg exports, declared in one place (docs/metrics.md lists them). Each process has one set,
/// ProcessMetrics(); a role exports the families it feeds (the others stay without series).
struct Metrics {
    Metrics();

    MetricsRegistry registry;
    Family<Gauge>& build_info;                    // {version, revision, role} = 1
    Family<Counter>& messages_sent;               // {channel, provider}
    Family<Counter>& messages_failed;             // {channel, provider}
    Family<Counter>& messages_retried;            // {channel, provider}
    Family<Counter>& messages_deduplicated;       // {channel}
    Family<Histogram>& provider_request_seconds;  // {provider, outcome}
    Family<Gauge>& consumer_in_flight;            // provider requests in flight
    Family<Counter>& rate_limiter_waits;          // {channel}: a message found no token and waited
    Family<Counter>& rate_limiter_holds;          // {channel}: a 429 held the provider back
    Family<Counter>& poller_batches;              // {kind}
    Family<Counter>& poller_rows_published;       // {kind}
    Family<Counter>& poller_rows_nacked;          // {kind}
    Family<Histogram>& poller_confirm_seconds;    // publish of a batch to its last confirm
    Family<Gauge>& outbox_rows;                   // {status}
    Family<Gauge>& campaigns;                     // {status}
    Family<Gauge>& campaign_messages;             // {campaign_id, status}, unfinished campaigns only
    Family<Gauge>& queue_messages;                // {queue}
    Family<Gauge>& db_connections;                // {state = in_use | idle}
    Family<Counter>& dependency_errors;           // {dependency = mysql | rabbitmq | redis}
    Family<Gauge>& broker_connections;            // {endpoint = host:port}: open AMQP connections of this process
    Family<Counter>& broker_failovers;            // connections made to another endpoint than the owner's last one
    Family<Counter>& http_requests;               // {code}: API requests answered
    Family<Counter>& trace_spans;                 // {result = exported | dropped}
    Family<Counter>& webhook_events;              // {provider, channel, type}: events stored for the first time
    Family<Counter>& webhook_duplicates;          // {provider}: events seen before (provider retries)
    Family<Counter>& webhook_rejected;            // {provider, reason}: webhook requests refused (4xx)
    Family<Counter>& webhook_late_matches;        // {provider}: stored events matched to their row after arriving
    Family<Counter>& suppressions_added;          // {source}: addresses suppressed by feedback
};

/// The process-wide metric set (created on first use, never destroyed).
Metrics& ProcessMetrics();

/// Counts one failure talking to `dependency` (mysql, rabbitmq or redis).
void CountDependencyError(const char* dependency);

}  // namespace bulkmsg::app
