#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace bulkmsg::app {

/// A shutdown request shared between the signal-handling thread and workers. Thread-safe.
class StopToken {
public:
    void RequestStop() {
        {
            std::lock_guard lock(mutex_);
            stopped_ = true;
        }
        changed_.notify_all();
    }

    bool StopRequested() const {
        std::lock_guard lock(mutex_);
        return stopped_;
    }

    /// Waits up to `duration`; returns true when stop was requested (possibly before the call).
    bool WaitFor(std::chrono::milliseconds duration) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, duration, [this] { return stopped_; });
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool stopped_ = false;
};

}  // namespace bulkmsg::app
