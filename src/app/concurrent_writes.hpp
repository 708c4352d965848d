#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <utility>

namespace bulkmsg::app {

/// Runs store writes on their own threads, at most `limit` at a time, so that a caller can read and parse the next
/// batch while the database stores the previous ones. Each result goes to `settle` on the caller's thread, in the
/// order the writes were started; a write's exception is rethrown from the Start or Finish call that settles it.
/// The destructor waits for writes still running (their results are dropped).
template <typename Result>
class ConcurrentWrites {
public:
    ConcurrentWrites(std::size_t limit, std::function<void(Result)> settle)
        : limit_(limit), settle_(std::move(settle)) {}

    void Start(std::function<Result()> write) {
        while (running_.size() >= limit_) {
            SettleOldest();
        }
        running_.push_back(std::async(std::launch::async, std::move(write)));
    }

    /// Waits for every write and settles it.
    void Finish() {
        while (!running_.empty()) {
            SettleOldest();
        }
    }

private:
    void SettleOldest() {
        auto oldest = std::move(running_.front());
        running_.pop_front();
        settle_(oldest.get());
    }

    std::size_t limit_;
    std::function<void(Result)> settle_;
    std::deque<std::future<Result>> running_;
};

}  // namespace bulkmsg::app
