#include "app/readiness.hpp"

#include <exception>

namespace bulkmsg::app {

ReadinessReport CheckReadiness(const std::vector<ReadinessProbe>& probes) {
    ReadinessReport report;
    for (const auto& probe : probes) {
        ProbeResult result{probe.name, true, {}, {}};
        try {
            result.endpoint = probe.check();
        } catch (const std::exception& e) {
            result.ok = false;
            result.error = e.what();
            report.ready = false;
        }
        report.results.push_back(std::move(result));
    }
    return report;
}

}  // namespace bulkmsg::app
