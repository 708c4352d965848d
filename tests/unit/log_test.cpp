#include "app/log.hpp"

#include <gtest/gtest.h>

namespace bulkmsg::app {
namespace {

const auto kTime = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795840496123));  // 2026-11-28

TEST(LogTest, JsonLineHasTimeLevelComponentMessageAndFields) {
    auto line = FormatLogLine(kTime, LogLevel::kWarn, "poller", "claimed \"rows\"",
                              {{"campaign_id", 7}, {"outbox_id", 42}, {"trace_id", "abc"}}, true);
    auto parsed = nlohmann::json::parse(line);
    EXPECT_EQ(parsed["time"], "2026-11-28T04:34:56.123Z");
    EXPECT_EQ(parsed["level"], "warn");
    EXPECT_EQ(parsed["component"], "poller");
    EXPECT_EQ(parsed["msg"], "claimed \"rows\"");
    EXPECT_EQ(parsed["campaign_id"], 7);
    EXPECT_EQ(parsed["outbox_id"], 42);
    EXPECT_EQ(parsed["trace_id"], "abc");
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(LogTest, InvalidUtf8NeverBreaksTheJsonLine) {
    auto line = FormatLogLine(kTime, LogLevel::kInfo, "api", "bad \xff byte", {{"input", "\xc3"}}, true);
    EXPECT_NO_THROW(nlohmann::json::parse(line));
}

TEST(LogTest, TextLineIsReadable) {
    auto line = FormatLogLine(kTime, LogLevel::kError, "consumer", "send failed",
                              {{"outbox_id", 9}, {"provider", "twilio"}}, false);
    EXPECT_EQ(line, "2026-11-28T04:34:56.123Z error [consumer] send failed outbox_id=9 provider=twilio");
}

TEST(LogThrottleTest, LogsTheFirstThenOnePerIntervalCountingWhatItLeftOut) {
    LogThrottle throttle(std::chrono::seconds(10));
    const std::chrono::system_clock::time_point t0{std::chrono::seconds(1'000'000)};
    std::uint64_t repeated = 99;
    EXPECT_TRUE(throttle.Allow(t0, repeated));
    EXPECT_EQ(repeated, 0u);
    for (int i = 1; i <= 3; ++i) {
        EXPECT_FALSE(throttle.Allow(t0 + std::chrono::seconds(i * 3), repeated));
    }
    EXPECT_TRUE(throttle.Allow(t0 + std::chrono::seconds(10), repeated));
    EXPECT_EQ(repeated, 3u);
    EXPECT_FALSE(throttle.Allow(t0 + std::chrono::seconds(19), repeated));
    EXPECT_TRUE(throttle.Allow(t0 + std::chrono::seconds(60), repeated));
    EXPECT_EQ(repeated, 1u);
}

}  // namespace
}  // namespace bulkmsg::app
