#pragma once

#include <string>

#include "domain/config.hpp"

namespace bulkmsg::cli {

/// Prepares this process's metrics for `role`: build info, process metrics and, for the roles that poll
/// (poller, all), the state gauges read from MySQL and RabbitMQ at scrape time (outbox rows and campaigns by
/// status, each unfinished campaign's rows by status, queue depths), refreshed at most every
/// kStateRefreshSeconds so a scrape costs the database little.
void SetUpMetrics(const std::string& role, const domain::Config& config);

inline constexpr int kStateRefreshSeconds = 10;

}  // namespace bulkmsg::cli
