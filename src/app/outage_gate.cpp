#include "app/outage_gate.hpp"

#include <utility>

namespace bulkmsg::app {

OutageGate::OutageGate(std::string component, std::chrono::milliseconds retry_after,
                       std::chrono::milliseconds log_interval)
    : component_(std::move(component)), retry_after_(retry_after), warnings_(log_interval) {}

bool OutageGate::ShouldTry(domain::TimePoint now) {
    std::lock_guard lock(mutex_);
    return !retry_at_ || now >= *retry_at_;
}

void OutageGate::Failed(domain::TimePoint now, std::string_view message, std::string_view error) {
    std::uint64_t repeated = 0;
    {
        std::lock_guard lock(mutex_);
        retry_at_ = now + retry_after_;
        if (!warnings_.Allow(now, repeated)) {
            return;
        }
    }
    Log(LogLevel::kWarn, component_, message, {{"error", error}, {"repeated", repeated}});
}

}  // namespace bulkmsg::app
