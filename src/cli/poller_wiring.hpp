#pragma once

#include "app/outbox_relay.hpp"
#include "domain/config.hpp"

namespace bulkmsg::cli {

/// Runs one outbox poller (MySQL store, AMQP publisher, wall clock) until `stop` is requested.
void RunPoller(const domain::Config& config, app::StopToken& stop, app::RelayStats& stats);

}  // namespace bulkmsg::cli
