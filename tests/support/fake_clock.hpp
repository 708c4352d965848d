#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "app/clock.hpp"
#include "app/random_source.hpp"

namespace bulkmsg::testing {

/// A clock that only moves when told to or when something sleeps on it; sleeping returns at once.
/// `on_sleep` runs after each sleep (e.g. to request stop after the n-th one).
class FakeClock final : public app::Clock {
public:
    explicit FakeClock(domain::TimePoint start = domain::TimePoint(std::chrono::seconds(1'800'000'000)))
        : now_(start) {}

    domain::TimePoint Now() override { return now_; }
    void SleepFor(std::chrono::milliseconds duration, app::StopToken& stop) override {
        sleeps.push_back(duration);
        now_ += duration;
        if (on_sleep) {
            on_sleep(stop);
        }
    }
    void Advance(std::chrono::milliseconds duration) { now_ += duration; }

    std::vector<std::chrono::milliseconds> sleeps;
    std::function<void(app::StopToken&)> on_sleep;

private:
    domain::TimePoint now_;
};

/// Deterministic randomness: Unit() returns `unit`; Bytes24() counts up.
class FakeRandom final : public app::RandomSource {
public:
    double Unit() override { return unit; }
    std::array<std::uint8_t, 24> Bytes24() override {
        std::array<std::uint8_t, 24> bytes{};
        bytes[23] = static_cast<std::uint8_t>(++counter_);
        return bytes;
    }
    double unit = 0.0;

private:
    unsigned counter_ = 0;
};

}  // namespace bulkmsg::testing
