#include "domain/quiet_hours.hpp"

#include <gtest/gtest.h>

#include "domain/campaign_request.hpp"
#include "domain/message_renderer.hpp"

namespace bulkmsg::domain {
namespace {

TimePoint At(const std::string& rfc3339) {
    return *ParseRfc3339(rfc3339);
}

const std::optional<SendWindow> kTcpa = DefaultQuietHours();

TEST(QuietHoursTest, InsideTheWindowGoesAtOnceAfterItWaitsForEightLocal) {
    const auto noon_ny = At("2026-11-30T17:00:00Z");  // 12:00 EST
    EXPECT_EQ(OutsideQuietHours(noon_ny, kTcpa, "America/New_York"), noon_ny);
    // 22:00 EST: waits for 08:00 EST the next day (13:00Z).
    EXPECT_EQ(OutsideQuietHours(At("2026-12-01T03:00:00Z"), kTcpa, "America/New_York"), At("2026-12-01T13:00:00Z"));
    // 21:00 is already quiet (the end is exclusive), 20:59 is not.
    EXPECT_EQ(OutsideQuietHours(At("2026-12-01T02:00:00Z"), kTcpa, "America/New_York"), At("2026-12-01T13:00:00Z"));
    EXPECT_EQ(OutsideQuietHours(At("2026-12-01T01:59:00Z"), kTcpa, "America/New_York"), At("2026-12-01T01:59:00Z"));
    // 07:59 waits one minute.
    EXPECT_EQ(OutsideQuietHours(At("2026-12-01T12:59:00Z"), kTcpa, "America/New_York"), At("2026-12-01T13:00:00Z"));
}

TEST(QuietHoursTest, AcrossMidnightInSeveralZones) {
    const auto now = At("2026-11-30T14:30:00Z");
    // Tokyo 23:30 → 08:00 next day (23:00Z today).
    EXPECT_EQ(OutsideQuietHours(now, kTcpa, "Asia/Tokyo"), At("2026-11-30T23:00:00Z"));
    // Los Angeles 06:30 PST → 08:00 PST the same day (16:00Z).
    EXPECT_EQ(OutsideQuietHours(now, kTcpa, "America/Los_Angeles"), At("2026-11-30T16:00:00Z"));
    // Kolkata 20:00 (UTC+5:30): inside.
    EXPECT_EQ(OutsideQuietHours(now, kTcpa, "Asia/Kolkata"), now);
    // Chatham 03:15 next day (UTC+13:45 in summer) → 08:00 local = 18:15Z.
    EXPECT_EQ(OutsideQuietHours(now, kTcpa, "Pacific/Chatham"), At("2026-11-30T18:15:00Z"));
}

TEST(QuietHoursTest, DaylightSavingDaysUseThatDaysOffset) {
    // Saturday 7 March 2026 22:00 EST; clocks spring forward overnight, so Sunday 08:00 is EDT (12:00Z).
    EXPECT_EQ(OutsideQuietHours(At("2026-03-08T03:00:00Z"), kTcpa, "America/New_York"), At("2026-03-08T12:00:00Z"));
    // Saturday 31 October 2026 22:00 EDT; clocks fall back overnight, so Sunday 08:00 is EST (13:00Z).
    EXPECT_EQ(OutsideQuietHours(At("2026-11-01T02:00:00Z"), kTcpa, "America/New_York"), At("2026-11-01T13:00:00Z"));
    // London, 29 March 2026: 22:30 GMT on the 28th → 08:00 BST (07:00Z).
    EXPECT_EQ(OutsideQuietHours(At("2026-03-28T22:30:00Z"), kTcpa, "Europe/London"), At("2026-03-29T07:00:00Z"));
    // A retry scheduled for 21:03 BST falls in quiet hours and waits for 08:00 BST.
    EXPECT_EQ(OutsideQuietHours(At("2026-06-01T20:03:00Z"), kTcpa, "Europe/London"), At("2026-06-02T07:00:00Z"));
}

TEST(QuietHoursTest, PreparedSmsPayloadsCarryTheRecipientsWindowForTheConsumer) {
    CampaignContent campaign;
    campaign.id = 5;
    campaign.kind = Channel::kSms;
    campaign.text = "hi";
    campaign.quiet_hours = DefaultQuietHours();
    MessageRenderer renderer(campaign, {"news@example.com", "+15005550006"});
    const auto payload =
        nlohmann::json::parse(renderer.Payload({"+14155550100", Channel::kSms, "America/New_York", {}}, 1));
    EXPECT_EQ(payload["quiet_hours"],
              (nlohmann::json{{"start", "08:00"}, {"end", "21:00"}, {"timezone", "America/New_York"}}));
    // A retry due at 21:05 EST waits for 08:00 EST; one due at noon goes then.
    EXPECT_EQ(OutsideQuietHours(At("2026-12-01T02:05:00Z"), payload), At("2026-12-01T13:00:00Z"));
    EXPECT_EQ(OutsideQuietHours(At("2026-12-01T17:00:00Z"), payload), At("2026-12-01T17:00:00Z"));
    EXPECT_EQ(OutsideQuietHours(At("2026-12-01T02:05:00Z"), nlohmann::json{{"body", "x"}}), At("2026-12-01T02:05:00Z"));
}

TEST(QuietHoursTest, NoneMeansAtOnce) {
    const auto late = At("2026-12-01T03:00:00Z");
    EXPECT_EQ(OutsideQuietHours(late, std::nullopt, "America/New_York"), late);
}

TEST(QuietHoursTest, RequestDefaultsAndRules) {
    std::vector<FieldError> errors;
    EXPECT_EQ(ParseQuietHours(nlohmann::json::object(), Channel::kSms, false, errors), kTcpa);
    EXPECT_EQ(ParseQuietHours({{"quiet_hours", {{"start", "09:30"}, {"end", "20:00"}}}}, Channel::kSms, false, errors),
              (SendWindow{std::chrono::minutes(570), std::chrono::minutes(1200)}));
    EXPECT_EQ(ParseQuietHours({{"quiet_hours", nullptr}}, Channel::kSms, true, errors), std::nullopt);
    EXPECT_EQ(ParseQuietHours(nlohmann::json::object(), Channel::kEmail, false, errors), std::nullopt);
    EXPECT_TRUE(errors.empty());

    for (const auto& [body, kind, field] : std::vector<std::tuple<nlohmann::json, Channel, std::string>>{
             {{{"quiet_hours", nullptr}}, Channel::kSms, "quiet_hours"},
             {{{"quiet_hours", {{"local_time", "09:00"}}}}, Channel::kSms, "quiet_hours"},
             {{{"quiet_hours", {{"start", "25:00"}, {"end", "21:00"}}}}, Channel::kSms, "quiet_hours.start"},
             {{{"quiet_hours", kTcpa ? SendWindowJson(*kTcpa) : nlohmann::json()}}, Channel::kPush, "quiet_hours"}}) {
        std::vector<FieldError> refused;
        ParseQuietHours(body, kind, false, refused);
        ASSERT_FALSE(refused.empty()) << body;
        EXPECT_EQ(refused[0].field, field) << body;
    }
}

}  // namespace
}  // namespace bulkmsg::domain
