#pragma once

#include <chrono>

#include "app/stop_token.hpp"
#include "domain/outbox_row.hpp"

namespace bulkmsg::app {

/// Time source and waiting (port), so retry, lease and backoff logic is tested without sleeping.
class Clock {
public:
    virtual ~Clock() = default;
    virtual domain::TimePoint Now() = 0;
    /// Waits for `duration` or until `stop` is requested, whichever comes first.
    virtual void SleepFor(std::chrono::milliseconds duration, StopToken& stop) = 0;
};

/// The wall clock.
class SystemClock final : public Clock {
public:
    domain::TimePoint Now() override { return domain::Clock::now(); }
    void SleepFor(std::chrono::milliseconds duration, StopToken& stop) override { stop.WaitFor(duration); }
};

}  // namespace bulkmsg::app
