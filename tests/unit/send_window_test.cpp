#include "domain/send_window.hpp"

#include <gtest/gtest.h>

#include "domain/campaign_request.hpp"

namespace bulkmsg::domain {
namespace {

TimePoint At(const std::string& rfc3339) {
    return *ParseRfc3339(rfc3339);
}

SendWindow Window(const nlohmann::json& json) {
    std::vector<FieldError> errors;
    auto window = ParseSendWindow(json, errors);
    EXPECT_TRUE(window) << json;
    return window.value_or(SendWindow{});
}

TEST(SendWindowTest, LocalTimeInEachRecipientsZone) {
    const auto nine = Window({{"local_time", "09:00"}});
    const auto now = At("2026-11-28T12:00:00Z");
    // Tokyo (UTC+9, no DST): 21:00 local now, so tomorrow 09:00 local = 00:00Z.
    EXPECT_EQ(EarliestSendTime(now, nine, "Asia/Tokyo"), At("2026-11-29T00:00:00Z"));
    // New York (EST, UTC-5): 07:00 local now, so today 09:00 local = 14:00Z.
    EXPECT_EQ(EarliestSendTime(now, nine, "America/New_York"), At("2026-11-28T14:00:00Z"));
    EXPECT_EQ(EarliestSendTime(now, nine, "UTC"), At("2026-11-29T09:00:00Z"));
    EXPECT_EQ(EarliestSendTime(now, nine, "Not/AZone"), At("2026-11-29T09:00:00Z"));  // treated as UTC
}

TEST(SendWindowTest, DaylightSavingChangesAreHonoured) {
    const auto nine = Window({{"local_time", "09:00"}});
    // Saturday 7 March 2026, 15:00 EST. Clocks go forward on Sunday 8 March at 02:00, so Sunday 09:00 is EDT
    // (UTC-4): 13:00Z, not 14:00Z.
    EXPECT_EQ(EarliestSendTime(At("2026-03-07T20:00:00Z"), nine, "America/New_York"), At("2026-03-08T13:00:00Z"));
    // Fall back on Sunday 1 November 2026: 09:00 that day is EST again (14:00Z).
    EXPECT_EQ(EarliestSendTime(At("2026-10-31T20:00:00Z"), nine, "America/New_York"), At("2026-11-01T14:00:00Z"));
    // 02:30 does not exist on 8 March in New York: the message goes when the clocks jump (07:00Z).
    EXPECT_EQ(EarliestSendTime(At("2026-03-07T20:00:00Z"), Window({{"local_time", "02:30"}}), "America/New_York"),
              At("2026-03-08T07:00:00Z"));
    // 01:30 happens twice on 1 November: the first one (EDT, 05:30Z).
    EXPECT_EQ(EarliestSendTime(At("2026-10-31T20:00:00Z"), Window({{"local_time", "01:30"}}), "America/New_York"),
              At("2026-11-01T05:30:00Z"));
}

TEST(SendWindowTest, RangesSendAtOnceInsideAndWaitOutside) {
    const auto office = Window({{"start", "09:00"}, {"end", "17:00"}});
    const auto inside = At("2026-11-30T03:00:00Z");  // Monday 12:00 in Tokyo
    EXPECT_EQ(EarliestSendTime(inside, office, "Asia/Tokyo"), inside);
    EXPECT_EQ(EarliestSendTime(At("2026-11-30T08:00:00Z"), office, "Asia/Tokyo"), At("2026-12-01T00:00:00Z"));  // 17:00
    const auto night = Window({{"start", "22:00"}, {"end", "06:00"}});
    const auto late = At("2026-11-30T23:30:00Z");
    EXPECT_EQ(EarliestSendTime(late, night, "UTC"), late);
    EXPECT_EQ(EarliestSendTime(At("2026-11-30T12:00:00Z"), night, "UTC"), At("2026-11-30T22:00:00Z"));
}

TEST(SendWindowTest, RejectsMalformedWindowsNamingTheField) {
    for (const auto& [json, field] : std::vector<std::pair<nlohmann::json, std::string>>{
             {{{"local_time", "9am"}}, "send_window.local_time"},
             {{{"local_time", "24:00"}}, "send_window.local_time"},
             {{{"start", "09:00"}}, "send_window.end"},
             {{{"start", "09:00"}, {"end", "09:00"}}, "send_window.end"},
             {{{"local_time", "09:00"}, {"tz", "UTC"}}, "send_window.tz"},
             {"09:00", "send_window"}}) {
        std::vector<FieldError> errors;
        EXPECT_FALSE(ParseSendWindow(json, errors)) << json;
        ASSERT_FALSE(errors.empty()) << json;
        EXPECT_EQ(errors[0].field, field) << json;
    }
    EXPECT_EQ(SendWindowJson(Window({{"start", "09:05"}, {"end", "17:00"}})),
              (nlohmann::json{{"start", "09:05"}, {"end", "17:00"}}));
}

}  // namespace
}  // namespace bulkmsg::domain
