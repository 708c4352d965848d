#pragma once

#include <functional>
#include <string>
#include <vector>

namespace bulkmsg::app {

/// One dependency check for /ready: `check` throws (with a short reason) when the dependency is unusable, else
/// returns the "host:port" it reached when the dependency has several (RabbitMQ endpoints), or "".
struct ReadinessProbe {
    std::string name;
    std::function<std::string()> check;
};

struct ProbeResult {
    std::string name;
    bool ok = false;
    std::string error;     // empty when ok
    std::string endpoint;  // what `check` returned; empty when not ok or not reported
};

struct ReadinessReport {
    bool ready = true;
    std::vector<ProbeResult> results;
};

/// Runs every probe (all of them, so the report names every failing dependency at once).
ReadinessReport CheckReadiness(const std::vector<ReadinessProbe>& probes);

}  // namespace bulkmsg::app
