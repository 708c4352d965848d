#include "app/campaign_preparer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "support/fake_clock.hpp"

namespace bulkmsg::app {
namespace {

using domain::Channel;

// In-memory campaigns, targets and outbox with the MySQL store's semantics (INSERT IGNORE on the key).
class FakePreparationStore final : public PreparationStore {
public:
    std::optional<domain::CampaignContent> LoadCampaign(std::uint64_t id) override {
        auto it = campaigns.find(id);
        return it == campaigns.end() ? std::nullopt : std::optional(it->second);
    }
    std::string CampaignTraceparent(std::uint64_t id) override {
        return traceparents.contains(id) ? traceparents.at(id) : "";
    }
    std::vector<StoredTarget> TargetsAfter(std::uint64_t campaign_id, std::uint64_t after, std::size_t limit) override {
        ++target_queries;
        std::vector<StoredTarget> page;
        for (const auto& [cid, stored] : targets) {
            if (cid == campaign_id && stored.id > after && page.size() < limit) {
                page.push_back(stored);
            }
        }
        return page;
    }
    std::map<std::uint64_t, std::string> Suppressed(const std::vector<StoredTarget>& page) override {
        std::map<std::uint64_t, std::string> result;
        for (const auto& [id, target] : page) {
            if (suppressed.contains(target.user_ref)) {
                result[id] = "suppressed: " + suppressed.at(target.user_ref);
            }
        }
        return result;
    }
    std::size_t InsertOutbox(const std::vector<OutboxInsert>& rows) override {
        const std::lock_guard lock(insert_mutex);
        std::size_t inserted = 0;
        for (const auto& row : rows) {
            if (keys.insert(row.idempotency_key).second) {
                outbox.push_back(row);
                ++inserted;
            }
        }
        return inserted;
    }
    std::vector<std::uint64_t> StartDueCampaigns(domain::TimePoint now, std::chrono::seconds max_lateness) override {
        std::vector<std::uint64_t> ids;
        for (auto& [id, status] : status_of) {
            const bool due = scheduled_at[id] <= now;
            if (status == "scheduled" && due && scheduled_at[id] >= now - max_lateness) {
                status = "preparing";
            } else if (status == "scheduled" && due) {
                flagged.insert(id);
            }
            if (status == "preparing") {
                ids.push_back(id);
            }
        }
        return ids;
    }
    void FinishPreparation(std::uint64_t id, bool ok) override { status_of[id] = ok ? "running" : "failed"; }
    bool TryAcquireSchedulerLock() override { return has_lock; }

    void AddTargets(std::uint64_t campaign_id, int count, Channel kind = Channel::kEmail) {
        for (int i = 0; i < count; ++i) {
            const auto id = targets.size() + 1;
            const auto number = std::to_string(id);
            domain::Target target{std::string("user").append(number).append("@example.com"),
                                  kind,
                                  "UTC",
                                  {{"name", std::string("N").append(number)}}};
            if (kind == Channel::kSms) {
                target.user_ref = std::string("+1500555").append(std::to_string(1000 + id));
            }
            targets.emplace_back(campaign_id, StoredTarget{id, target});
        }
    }

    std::map<std::uint64_t, domain::CampaignContent> campaigns;
    std::map<std::uint64_t, std::string> traceparents;
    std::vector<std::pair<std::uint64_t, StoredTarget>> targets;
    std::vector<OutboxInsert> outbox;
    std::set<std::string> keys;
    std::map<std::uint64_t, std::string> status_of;
    std::map<std::uint64_t, domain::TimePoint> scheduled_at;
    std::set<std::uint64_t> flagged;
    std::map<std::string, std::string> suppressed;  // user_ref -> reason
    bool has_lock = true;
    int target_queries = 0;
    std::mutex insert_mutex;  // the preparer writes two batches at a time
};

class CampaignPreparerTest : public ::testing::Test {
protected:
    CampaignPreparerTest() {
        store_.campaigns[7] = {7,
                               Channel::kEmail,
                               "Hi {{name}}",
                               "Hello {{name}} <{{user_ref}}>",
                               "<b>{{name}}</b>",
                               "",
                               nlohmann::json::object(),
                               "",
                               std::nullopt};
    }
    CampaignPreparer Preparer(std::size_t batch = 10) {
        return CampaignPreparer(store_, {"noreply@example.com", "+15005550006"}, batch);
    }
    FakePreparationStore store_;
    testing::FakeRandom random_;
    testing::FakeClock clock_;
};

TEST_F(CampaignPreparerTest, RendersEveryTargetOnceInKeysetBatches) {
    store_.AddTargets(7, 25);
    store_.AddTargets(8, 3);  // another campaign's targets are not touched
    const auto report = Preparer(10).Prepare(7, clock_.Now());
    EXPECT_TRUE(report.complete);
    EXPECT_EQ(report.targets, 25u);
    EXPECT_EQ(report.inserted, 25u);
    EXPECT_EQ(store_.target_queries, 4);  // 10 + 10 + 5 + the empty page
    ASSERT_EQ(store_.outbox.size(), 25u);
    // Two batch writes run at once, so batches may land in either order.
    const auto first_it = std::find_if(store_.outbox.begin(), store_.outbox.end(),
                                       [](const OutboxInsert& row) { return row.target_id == 1; });
    ASSERT_NE(first_it, store_.outbox.end());
    const auto& first = *first_it;
    EXPECT_EQ(first.idempotency_key, domain::IdempotencyKey(7, "user1@example.com", Channel::kEmail));
    EXPECT_EQ(first.target_id, 1u);
    EXPECT_EQ(nlohmann::json::parse(first.payload), (nlohmann::json{{"to", "user1@example.com"},
                                                                    {"from", "noreply@example.com"},
                                                                    {"subject", "Hi N1"},
                                                                    {"text", "Hello N1 <user1@example.com>"},
                                                                    {"html", "<b>N1</b>"}}));
}

TEST_F(CampaignPreparerTest, SuppressedRecipientsAreWrittenSuppressedWithTheReason) {
    store_.AddTargets(7, 3);
    store_.suppressed["user2@example.com"] = "unsubscribed";
    Preparer().Prepare(7, clock_.Now());
    ASSERT_EQ(store_.outbox.size(), 3u);
    EXPECT_EQ(store_.outbox[0].suppressed_reason, "");
    EXPECT_EQ(store_.outbox[1].suppressed_reason, "suppressed: unsubscribed");
    EXPECT_EQ(store_.outbox[2].suppressed_reason, "");
}

TEST_F(CampaignPreparerTest, InterruptedPreparationResumesWithoutDuplicates) {
    store_.AddTargets(7, 30);
    StopToken stop;
    auto preparer = Preparer(10);
    // An earlier run wrote one row, then the process stopped before the next batch.
    store_.InsertOutbox({{7, 1, "user1@example.com", Channel::kEmail, "{}",
                          domain::IdempotencyKey(7, "user1@example.com", Channel::kEmail), "", clock_.Now(), ""}});
    stop.RequestStop();
    EXPECT_FALSE(preparer.Prepare(7, clock_.Now(), &stop).complete);
    EXPECT_EQ(store_.outbox.size(), 1u);
    const auto report = preparer.Prepare(7, clock_.Now());
    EXPECT_TRUE(report.complete);
    EXPECT_EQ(report.targets, 30u);
    EXPECT_EQ(report.inserted, 29u);
    EXPECT_EQ(store_.outbox.size(), 30u);
    EXPECT_EQ(preparer.Prepare(7, clock_.Now()).inserted, 0u);  // a third run changes nothing
}

TEST_F(CampaignPreparerTest, PayloadsFollowEachTargetsChannel) {
    store_.campaigns[9] = {9,
                           Channel::kSms,
                           "",
                           "Code for {{name}}: 42 & more",
                           "",
                           "",
                           nlohmann::json::object(),
                           "+15551234567",
                           std::nullopt};
    store_.AddTargets(9, 1, Channel::kSms);
    store_.AddTargets(9, 1, Channel::kEmail);
    Preparer().Prepare(9, clock_.Now());
    ASSERT_EQ(store_.outbox.size(), 2u);
    EXPECT_EQ(nlohmann::json::parse(store_.outbox[0].payload),
              (nlohmann::json{{"to", "+15005551001"}, {"from", "+15551234567"}, {"body", "Code for N1: 42 & more"}}));
    // An email target of an SMS campaign gets the default email sender, not the campaign's number.
    EXPECT_EQ(nlohmann::json::parse(store_.outbox[1].payload).at("from"), "noreply@example.com");

    store_.campaigns[10] = {
        10, Channel::kPush, "", "Body {{name}}", "", "Title", {{"deep_link", "app://u/{{name}}"}, {"n", 3}},
        "", std::nullopt};
    domain::Target token{std::string(64, 'f'), Channel::kPush, "UTC", {{"name", "Zoe"}}};
    store_.targets.emplace_back(10, StoredTarget{100, token});
    Preparer().Prepare(10, clock_.Now());
    EXPECT_EQ(nlohmann::json::parse(store_.outbox.back().payload),
              (nlohmann::json{{"token", std::string(64, 'f')},
                              {"title", "Title"},
                              {"body", "Body Zoe"},
                              {"data", {{"deep_link", "app://u/Zoe"}, {"n", "3"}}}}));
}

TEST_F(CampaignPreparerTest, BadTemplateOrMissingCampaignIsReported) {
    store_.campaigns[11] = {11, Channel::kEmail, "{{#open}}", "x", "", "", nlohmann::json::object(), "", std::nullopt};
    try {
        Preparer().Prepare(11, clock_.Now());
        FAIL() << "expected a TemplateError";
    } catch (const domain::TemplateError& e) {
        EXPECT_EQ(e.Field(), "template.subject");
    }
    EXPECT_THROW(Preparer().Prepare(999, clock_.Now()), std::out_of_range);
}

TEST_F(CampaignPreparerTest, SchedulerPreparesDueCampaignsOnlyWithTheLock) {
    testing::FakeClock clock;
    store_.AddTargets(7, 5);
    store_.status_of[7] = "scheduled";
    store_.scheduled_at[7] = clock.Now() + std::chrono::seconds(60);
    store_.campaigns[12] = {12, Channel::kEmail, "{{#bad}}", "x", "", "", nlohmann::json::object(), "", std::nullopt};
    store_.status_of[12] = "preparing";  // interrupted earlier, with a template that no longer parses
    auto preparer = Preparer();

    store_.has_lock = false;
    clock.Advance(std::chrono::seconds(120));
    EXPECT_EQ(preparer.RunDue(clock.Now()), 0u);
    EXPECT_EQ(store_.status_of[7], "scheduled");

    store_.has_lock = true;
    EXPECT_EQ(preparer.RunDue(clock.Now()), 2u);
    EXPECT_EQ(store_.status_of[7], "running");
    EXPECT_EQ(store_.status_of[12], "failed");
    EXPECT_EQ(store_.outbox.size(), 5u);
}

TEST_F(CampaignPreparerTest, ScheduleMissedByMoreThanTheMaxLatenessDoesNotStartByItself) {
    testing::FakeClock clock;
    store_.AddTargets(7, 5);
    store_.status_of[7] = "scheduled";
    store_.scheduled_at[7] = clock.Now() - std::chrono::hours(25);
    CampaignPreparer preparer(store_, {"noreply@example.com", "+15005550006"}, 10, std::chrono::hours(24));
    EXPECT_EQ(preparer.RunDue(clock.Now()), 0u);
    EXPECT_EQ(store_.status_of[7], "scheduled");
    EXPECT_TRUE(store_.flagged.contains(7));
    EXPECT_TRUE(store_.outbox.empty());
    store_.scheduled_at[7] = clock.Now() - std::chrono::hours(23);
    EXPECT_EQ(preparer.RunDue(clock.Now()), 1u);
}

TEST_F(CampaignPreparerTest, SchedulerLeavesFutureCampaignsAlone) {
    testing::FakeClock clock;
    store_.AddTargets(7, 5);
    store_.status_of[7] = "scheduled";
    store_.scheduled_at[7] = clock.Now() + std::chrono::seconds(1);
    EXPECT_EQ(Preparer().RunDue(clock.Now()), 0u);
    EXPECT_EQ(store_.status_of[7], "scheduled");
    EXPECT_TRUE(store_.outbox.empty());
}

}  // namespace
}  // namespace bulkmsg::app
