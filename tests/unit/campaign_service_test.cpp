// The campaign use cases against in-memory stores: lifecycle steps, cancel, reads of missing campaigns, progress
// cached and forgotten after a change, and uploads.
#include <gtest/gtest.h>

#include "app/campaign_service.hpp"
#include "app/suppression_service.hpp"
#include "app/target_upload.hpp"
#include "support/fake_clock.hpp"
#include "support/in_memory_stores.hpp"

namespace bulkmsg::app {
namespace {

using domain::CampaignStatus;
using domain::CampaignStep;
using domain::OutboxStatus;

class CampaignServiceTest : public ::testing::Test {
protected:
    testing::InMemoryCampaignStore campaigns_;
    testing::InMemoryMessageStore messages_;
    testing::InMemoryTargetStore targets_;
    testing::InMemoryProgressCache cache_;
    testing::FakeClock clock_;
    CampaignProgress progress_{messages_, clock_, &cache_};
    CampaignService service_{campaigns_, messages_, progress_};
};

TEST_F(CampaignServiceTest, CreateMakesADraftOrAScheduledCampaignAndReplaysAnIdempotencyKey) {
    domain::NewCampaign campaign;
    campaign.name = "Welcome";
    const IdempotentRequest key{"tests", "k1", "hash-a"};
    const auto first = service_.Create(campaign, key, "tests");
    EXPECT_EQ(first.outcome, CreateResult::Outcome::kCreated);
    EXPECT_EQ(service_.Get(first.id)->status, CampaignStatus::kDraft);
    EXPECT_EQ(service_.Create(campaign, key, "tests").outcome, CreateResult::Outcome::kReplayed);
    EXPECT_EQ(service_.Create(campaign, IdempotentRequest{"tests", "k1", "hash-b"}, "tests").outcome,
              CreateResult::Outcome::kConflict);
    campaign.scheduled_at = clock_.Now();
    EXPECT_EQ(service_.Get(service_.Create(campaign, std::nullopt, "tests").id)->status, CampaignStatus::kScheduled);
}

TEST_F(CampaignServiceTest, PauseAndResumeFollowTheStatusMachineAndRecordWhoDidIt) {
    const auto running = campaigns_.Add(CampaignStatus::kRunning);
    const auto draft = campaigns_.Add(CampaignStatus::kDraft);
    const auto paused = service_.Take(running, CampaignStep::kPause, {"paused", "alice"});
    ASSERT_EQ(paused.outcome, StepResult::Outcome::kDone);
    EXPECT_EQ(paused.campaign->status, CampaignStatus::kPaused);
    const auto refused = service_.Take(draft, CampaignStep::kPause, {"paused", "alice"});
    EXPECT_EQ(refused.outcome, StepResult::Outcome::kRefused);
    EXPECT_EQ(refused.campaign->status, CampaignStatus::kDraft);
    EXPECT_EQ(service_.Take(99, CampaignStep::kPause, {"paused", "alice"}).outcome, StepResult::Outcome::kNotFound);
    EXPECT_EQ(service_.Take(running, CampaignStep::kResume, {"resumed", "bob"}).campaign->status,
              CampaignStatus::kRunning);
    const auto events = *service_.Events(running, 0, 10);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].note.event, "paused");
    EXPECT_EQ(events[0].note.actor, "alice");
    EXPECT_EQ(events[1].note.actor, "bob");
    EXPECT_TRUE(service_.Events(draft, 0, 10)->empty());  // the refused pause wrote nothing
}

TEST_F(CampaignServiceTest, CancelMarksOnlyUnsentRowsAndRefusesAFinishedCampaign) {
    const auto id = campaigns_.Add(CampaignStatus::kRunning);
    for (const auto status : {OutboxStatus::kPending, OutboxStatus::kQueued, OutboxStatus::kRetrying,
                              OutboxStatus::kSent, OutboxStatus::kSending}) {
        messages_.Add(id, status);
    }
    const auto result = service_.Cancel(id, {"cancelled", "alice"});
    EXPECT_EQ(result.outcome, StepResult::Outcome::kDone);
    EXPECT_EQ(result.cancelled_messages, 3u);
    EXPECT_EQ(result.campaign->status, CampaignStatus::kCancelled);
    EXPECT_EQ(service_.Messages(id, {OutboxStatus::kCancelled, std::nullopt}, 0, 10)->size(), 3u);
    EXPECT_EQ(service_.Cancel(id, {"cancelled", "alice"}).outcome, StepResult::Outcome::kRefused);
    const auto completed = campaigns_.Add(CampaignStatus::kCompleted);
    EXPECT_EQ(service_.Cancel(completed, {"cancelled", "alice"}).outcome, StepResult::Outcome::kRefused);
}

TEST_F(CampaignServiceTest, ReadsOfAMissingCampaignAreNullopt) {
    EXPECT_EQ(service_.Get(5), std::nullopt);
    EXPECT_EQ(service_.Events(5, 0, 10), std::nullopt);
    EXPECT_EQ(service_.Messages(5, {}, 0, 10), std::nullopt);
    EXPECT_EQ(service_.Progress(5), std::nullopt);
    EXPECT_EQ(messages_.counted, 0u);
}

TEST_F(CampaignServiceTest, ProgressIsCountedOnceWhileCachedAndAgainAfterAChange) {
    const auto id = campaigns_.Add(CampaignStatus::kRunning);
    messages_.Add(id, OutboxStatus::kSent);
    messages_.Add(id, OutboxStatus::kPending);
    const auto first = *service_.Progress(id);
    EXPECT_EQ(first["done"], 1);
    EXPECT_EQ(first["counts"]["sent"], 1);
    EXPECT_EQ(first["counts"]["failed"], 0);
    EXPECT_DOUBLE_EQ(first["percent_done"].get<double>(), 50.0);
    service_.Progress(id);
    EXPECT_EQ(messages_.counted, 1u);
    service_.Take(id, CampaignStep::kPause, {"paused", "alice"});
    EXPECT_EQ(cache_.forgotten, std::vector<std::uint64_t>{id});
    service_.Progress(id);
    EXPECT_EQ(messages_.counted, 2u);
}

TEST_F(CampaignServiceTest, AnUploadStoresValidRowsReportsTheOthersAndRecordsItOnce) {
    TargetUploads uploads(targets_, campaigns_, progress_);
    const auto id = campaigns_.Add(CampaignStatus::kDraft);
    auto start = uploads.Begin(id, "text/csv", "alice");
    ASSERT_EQ(start.refusal, TargetUploads::Refusal::kNone);
    start.upload->Feed("user_ref\nann@example.com\nnot-an-address\nbo");
    start.upload->Feed("b@example.com\nann@example.com\n");
    const auto report = start.upload->Finish();
    EXPECT_EQ(report.totals.accepted, 2u);
    EXPECT_EQ(report.totals.duplicates, 1u);
    EXPECT_EQ(report.rejected, 1u);
    ASSERT_EQ(report.errors.size(), 1u);
    EXPECT_EQ(report.errors[0].row, 2u);
    EXPECT_EQ(targets_.Count(id), 2u);
    const auto events = campaigns_.ListEvents(id, 0, 10);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].note.details["accepted"], 2);

    const auto running = campaigns_.Add(CampaignStatus::kRunning);
    const auto refused = uploads.Begin(running, "text/csv", "alice");
    EXPECT_EQ(refused.refusal, TargetUploads::Refusal::kNotAcceptingTargets);
    EXPECT_EQ(refused.status, CampaignStatus::kRunning);
    EXPECT_EQ(uploads.Begin(99, "text/csv", "alice").refusal, TargetUploads::Refusal::kNotFound);
    EXPECT_FALSE(uploads.Begin(id, "text/plain", "alice").upload->Readable());
}

TEST(SuppressionServiceTest, ChecksTheAddressAgainstItsChannel) {
    EXPECT_TRUE(SuppressionService::Check("sms", "+15005550006").empty());
    EXPECT_TRUE(SuppressionService::Check("email", "ann@example.com").empty());
    const auto bad_number = SuppressionService::Check("sms", "12345");
    ASSERT_EQ(bad_number.size(), 1u);
    EXPECT_EQ(bad_number[0].field, "address");
    const auto bad_channel = SuppressionService::Check("fax", "+15005550006");
    ASSERT_EQ(bad_channel.size(), 1u);
    EXPECT_EQ(bad_channel[0].field, "channel");
}

}  // namespace
}  // namespace bulkmsg::app
