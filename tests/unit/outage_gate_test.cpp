#include "app/outage_gate.hpp"

#include <gtest/gtest.h>

#include "support/log_lines.hpp"

namespace bulkmsg::app {
namespace {

using namespace std::chrono_literals;

TEST(OutageGateTest, AFailureRestsTheDependencyForTheRetryInterval) {
    OutageGate gate("api", 500ms, 10s);
    const domain::TimePoint t0{};
    EXPECT_TRUE(gate.ShouldTry(t0));
    ::testing::internal::CaptureStdout();
    gate.Failed(t0, "cache unavailable", "cannot connect");
    ::testing::internal::GetCapturedStdout();
    EXPECT_FALSE(gate.ShouldTry(t0 + 499ms));
    EXPECT_TRUE(gate.ShouldTry(t0 + 500ms));
    EXPECT_TRUE(gate.ShouldTry(t0 + 501ms)) << "stays open until the next failure";
}

TEST(OutageGateTest, FailuresAreLoggedOncePerIntervalWithTheCountLeftOut) {
    OutageGate gate("api", 500ms, 10s);
    ::testing::internal::CaptureStdout();
    domain::TimePoint now{};
    for (int i = 0; i < 30; ++i) {  // a failed attempt every 500 ms for 15 s
        ASSERT_TRUE(gate.ShouldTry(now));
        gate.Failed(now, "request rate limiter unavailable; not limiting", "cannot connect");
        now += 500ms;
    }
    const auto warnings = testing::JsonLogLines(::testing::internal::GetCapturedStdout());
    ASSERT_EQ(warnings.size(), 2u);
    EXPECT_EQ(warnings[0]["component"], "api");
    EXPECT_EQ(warnings[0]["msg"], "request rate limiter unavailable; not limiting");
    EXPECT_EQ(warnings[0]["error"], "cannot connect");
    EXPECT_EQ(warnings[0]["repeated"], 0);
    EXPECT_EQ(warnings[1]["repeated"], 19) << "the 19 failures between the two lines";
}

}  // namespace
}  // namespace bulkmsg::app
