#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "app/log.hpp"
#include "domain/outbox_row.hpp"

namespace bulkmsg::app {

/// Shields a request path from an optional dependency that is down (the API's Redis rate limiter and progress
/// cache): after a failure the dependency is skipped for `retry_after`, so a dead server costs one connect attempt
/// per interval instead of one per request, and failures are logged at most once per `log_interval`, each line with
/// the number left out (`repeated`). Thread-safe; time comes from the caller, so it is tested without sleeping.
class OutageGate {
public:
    OutageGate(std::string component, std::chrono::milliseconds retry_after, std::chrono::milliseconds log_interval);

    /// False while the last failure is younger than `retry_after`: the caller goes on without the dependency.
    bool ShouldTry(domain::TimePoint now);

    /// Records a failure: closes the gate for `retry_after` and logs a warning `message` with `error` (throttled).
    void Failed(domain::TimePoint now, std::string_view message, std::string_view error);

private:
    std::string component_;
    std::chrono::milliseconds retry_after_;
    std::mutex mutex_;
    std::optional<domain::TimePoint> retry_at_;
    LogThrottle warnings_;
};

}  // namespace bulkmsg::app
