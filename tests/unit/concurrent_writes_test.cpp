#include "app/concurrent_writes.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace bulkmsg::app {
namespace {

TEST(ConcurrentWritesTest, SettlesInStartOrderAndNeverRunsMoreThanTheLimit) {
    std::vector<int> settled;
    std::atomic<int> running{0};
    std::atomic<int> most{0};
    ConcurrentWrites<int> writes(2, [&](int value) { settled.push_back(value); });
    for (int i = 0; i < 6; ++i) {
        writes.Start([&, i] {
            most = std::max(most.load(), ++running);
            // Earlier writes finish later, so settling in completion order would show.
            std::this_thread::sleep_for(std::chrono::milliseconds(i % 2 == 0 ? 20 : 1));
            --running;
            return i;
        });
    }
    writes.Finish();
    EXPECT_EQ(settled, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    EXPECT_LE(most.load(), 2);
    EXPECT_GE(most.load(), 1);
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
