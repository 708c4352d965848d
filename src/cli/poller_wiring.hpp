#pragma once

#include "app/outbox_relay.hpp"
#include "domain/config.hpp"

namespace bulkmsg::cli {

/// Runs one outbox poller (MySQL store, AMQP publisher, wall clock) until `stop` is requested.
void RunPoller(const domain::Config& config, app::StopToken& stop, app::RelayStats& stats);

/// Runs the poller's scheduler duty until `stop` is requested: every POLL_INTERVAL_MS, when this process holds
/// the scheduler lock, prepares campaigns whose scheduled time has come (and resumes interrupted preparations);
/// and matches status callbacks that arrived before their message's provider id was stored (FeedbackIngest).
void RunScheduler(const domain::Config& config, app::StopToken& stop);

}  // namespace bulkmsg::cli
