#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "app/http_types.hpp"
#include "app/metrics/metrics_registry.hpp"
#include "app/readiness.hpp"

namespace bulkmsg::api {

/// Serves the operational endpoints every bulkmsg process exposes without authentication:
/// GET /health (alive, role and version), GET /live, GET /ready (200 when every probe passes, otherwise
/// 503 naming each failed dependency), GET /metrics (the registry in Prometheus text format, when one is given).
/// Anything else is a JSON 404; other methods on these paths a 405.
class OpsRoutes {
public:
    /// `webhooks`: which provider webhooks this process serves, listed under "webhooks" in /ready's answer.
    OpsRoutes(std::string role, std::function<app::ReadinessReport()> readiness,
              app::MetricsRegistry* metrics = nullptr, std::vector<std::pair<std::string, bool>> webhooks = {});
    app::HttpResponse Handle(const app::HttpRequest& request) const;

private:
    std::string role_;
    std::function<app::ReadinessReport()> readiness_;
    app::MetricsRegistry* metrics_;
    std::vector<std::pair<std::string, bool>> webhooks_;
};

}  // namespace bulkmsg::api
