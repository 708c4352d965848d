#pragma once

#include <vector>

#include "app/readiness.hpp"
#include "domain/config.hpp"

namespace bulkmsg::cli {

/// Readiness probes for MySQL (reachable and schema migrations current), RabbitMQ and Redis, each opening
/// a short-lived connection with the configured credentials.
std::vector<app::ReadinessProbe> DependencyProbes(const domain::Config& config);

}  // namespace bulkmsg::cli
