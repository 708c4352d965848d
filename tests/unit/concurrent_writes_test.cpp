#include "app/concurrent_writes.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace bulkmsg::app {
namespace {

TEST(ConcurrentWritesTest, SettlesInStartOrderAndNeverRunsMoreThanTheLimit) {
    constexpr int kWrites = 6;
    constexpr auto kPatience = std::chrono::seconds(10);  // only a broken limit makes a write wait this long
    std::vector<int> settled;
    std::atomic<int> running{0};
    std::atomic<int> most{0};
    std::atomic<int> waits_timed_out{0};
    std::mutex completed_mutex;
    std::vector<int> completed;
    std::array<std::promise<void>, kWrites> started, finished;
    std::array<std::shared_future<void>, kWrites> has_started, has_finished;
    for (int i = 0; i < kWrites; ++i) {
        has_started[i] = started[i].get_future().share();
        has_finished[i] = finished[i].get_future().share();
    }
    const auto raise_most = [&](int value) {
        for (int seen = most.load(); seen < value && !most.compare_exchange_weak(seen, value);) {
        }
    };
    ConcurrentWrites<int> writes(2, [&](int value) { settled.push_back(value); });
    for (int i = 0; i < kWrites; ++i) {
        writes.Start([&, i] {
            raise_most(++running);
            started[i].set_value();
            // Writes run in pairs (0, 1), (2, 3), (4, 5): the second waits until the first is running, the first
            // until the second has finished, so each pair completes in reverse start order and settling in
            // completion order would show.
            const auto& partner = i % 2 == 0 ? has_finished[i + 1] : has_started[i - 1];
            if (partner.wait_for(kPatience) != std::future_status::ready) {
                ++waits_timed_out;
            }
            --running;
            {
                std::lock_guard lock(completed_mutex);
                completed.push_back(i);
            }
            finished[i].set_value();
            return i;
        });
    }
    writes.Finish();
    EXPECT_EQ(waits_timed_out.load(), 0);
    EXPECT_EQ(completed, (std::vector<int>{1, 0, 3, 2, 5, 4}));
    EXPECT_EQ(settled, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    EXPECT_LE(most.load(), 2);
    EXPECT_GE(most.load(), 1);
    EXPECT_EQ(most.load(), 2) << "both writes of a pair ran at once";
}

TEST(ConcurrentWritesTest, AFailedWriteIsRethrownWhenSettled) {
    std::vector<int> settled;
    ConcurrentWrites<int> writes(1, [&](int value) { settled.push_back(value); });
    writes.Start([]() -> int { throw std::runtime_error("database gone"); });
    EXPECT_THROW(writes.Start([] { return 2; }), std::runtime_error);
    writes.Finish();
    EXPECT_TRUE(settled.empty()) << "the write after the failure was never started";
}

}  // namespace
}  // namespace bulkmsg::app
