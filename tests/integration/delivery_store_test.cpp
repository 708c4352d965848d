// MysqlDeliveryStore's claim rules on the real database: who may take a row, and what pause does to held rows.
#include <gtest/gtest.h>

#include "adapters/mysql/mysql_delivery_store.hpp"
#include "support/outbox_fixture.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;
using Kind = app::ClaimVerdict::Kind;

class DeliveryStoreTest : public ::testing::Test {
protected:
    DeliveryStoreTest() {
        campaign_ = db_.InsertCampaign();
        db_.InsertOutbox(campaign_, 2, {{"status", "'queued'"}});
        for (const auto& row : db_.Sql().Query("SELECT id, idempotency_key FROM outbox ORDER BY id")) {
            copies_.push_back({std::stoull(*row[0]), *row[1], "email"});
        }
    }

    app::ClaimVerdict ClaimOne(std::size_t row, domain::TimePoint at) {
        return store_.Claim({copies_[row]}, at, kLease).at(0);
    }

    domain::DeliveryOutcome Outcome(const app::ClaimVerdict& claim, const std::string& status) {
        domain::DeliveryOutcome o;
        o.outbox_id = claim.message.outbox_id;
        o.campaign_id = campaign_;
        o.status = *domain::ParseOutboxStatus(status);
        o.attempts = claim.attempts + 1;
        o.available_at = start_ + 5min;
        o.provider_msg_id = status == "sent" ? "provider-id" : "";
        o.claim_token = claim.claim_token;
        return o;
    }

    std::string Status(std::size_t row) {
        return db_.Value("SELECT status FROM outbox WHERE id=" + std::to_string(copies_[row].outbox_id));
    }

    static constexpr std::chrono::seconds kLease{60};
    testing::MigratedDatabase db_;
    mysql::MysqlDeliveryStore store_{db_.Config()};
    std::uint64_t campaign_ = 0;
    std::vector<app::ClaimRequest> copies_;
    const domain::TimePoint start_ = std::chrono::time_point_cast<std::chrono::seconds>(domain::Clock::now());
};

TEST_F(DeliveryStoreTest, ASecondCopyOfAHeldRowIsBusyUntilTheLeaseRunsOut) {
    const auto first = ClaimOne(0, start_);
    ASSERT_EQ(first.kind, Kind::kDeliver);
    EXPECT_FALSE(first.taken_over);
    EXPECT_EQ(Status(0), "sending");
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM outbox WHERE id=" + std::to_string(copies_[0].outbox_id) +
                        " AND sending_at IS NOT NULL AND available_at = sending_at"),
              "1")
        << "the poller's stale-sending scan reads the claim's time from available_at";
    // Another copy (the poller republished the row, or the broker redelivered a copy) while the holder may still be
    // sending: never a second send.
    EXPECT_EQ(ClaimOne(0, start_ + kLease - 1s).kind, Kind::kBusy);
    const auto late = ClaimOne(0, start_ + kLease + 1s);
    EXPECT_EQ(late.kind, Kind::kDeliver);
    EXPECT_TRUE(late.taken_over) << "an earlier send may have been accepted: the worker checks the sent marker";
    EXPECT_EQ(ClaimOne(0, start_ + kLease + 2s).kind, Kind::kBusy) << "the take-over renewed the lease";
}

TEST_F(DeliveryStoreTest, PauseReturnsOpenRowsButLeavesAHeldRowForTheTakeOverCheck) {
    ASSERT_EQ(ClaimOne(0, start_).kind, Kind::kDeliver);
    db_.Sql().Execute("UPDATE campaigns SET status='paused' WHERE id=" + std::to_string(campaign_));
    const auto verdicts = store_.Claim(copies_, start_ + kLease + 1s, kLease);
    EXPECT_EQ(verdicts.at(0).kind, Kind::kPaused);
    EXPECT_EQ(verdicts.at(1).kind, Kind::kPaused);
    EXPECT_EQ(Status(0), "sending") << "whether its send was accepted is unknown; after resume it is taken over";
    EXPECT_EQ(Status(1), "pending");
    db_.Sql().Execute("UPDATE campaigns SET status='running' WHERE id=" + std::to_string(campaign_));
    const auto resumed = ClaimOne(0, start_ + kLease + 2s);
    EXPECT_EQ(resumed.kind, Kind::kDeliver);
    EXPECT_TRUE(resumed.taken_over);
}

TEST_F(DeliveryStoreTest, ALateOutcomeCannotOverwriteTheClaimThatTookTheRowOver) {
    const auto first = ClaimOne(0, start_);
    const auto second = ClaimOne(0, start_ + kLease + 1s);  // the first holder's write was held up past the lease
    ASSERT_EQ(second.kind, Kind::kDeliver);
    ASSERT_NE(first.claim_token, second.claim_token);
    store_.Record({Outcome(first, "retrying")}, {}, start_ + kLease + 2s);
    EXPECT_EQ(Status(0), "sending") << "the stale 'retrying' would have the poller publish the row a third time";
    store_.Release({{copies_[0].outbox_id, first.claim_token}});
    EXPECT_EQ(Status(0), "sending");
    store_.Record({Outcome(second, "sent")}, {}, start_ + kLease + 3s);
    EXPECT_EQ(Status(0), "sent");
    EXPECT_EQ(
        db_.Value("SELECT COALESCE(claim_token, 'none') FROM outbox WHERE id=" + std::to_string(copies_[0].outbox_id)),
        "none");
}

TEST_F(DeliveryStoreTest, ARowRepublishedAfterTheLeaseIsStillTakenOverWithTheMarkerCheck) {
    ASSERT_EQ(ClaimOne(0, start_).kind, Kind::kDeliver);
    // The poller republishes a row left 'sending' past the lease as 'queued'; the claim token stays on it.
    db_.Sql().Execute("UPDATE outbox SET status='queued' WHERE id=" + std::to_string(copies_[0].outbox_id));
    const auto next = ClaimOne(0, start_ + kLease + 1s);
    EXPECT_EQ(next.kind, Kind::kDeliver);
    EXPECT_TRUE(next.taken_over);
    EXPECT_FALSE(ClaimOne(1, start_).taken_over) << "a row nobody claimed before";
    store_.Record({Outcome(next, "sent")}, {}, start_ + kLease + 2s);
    EXPECT_EQ(Status(0), "sent");
}

TEST_F(DeliveryStoreTest, TheHoldersOutcomeStillCountsAfterThePollerRepublishedTheRow) {
    const auto first = ClaimOne(0, start_);
    db_.Sql().Execute("UPDATE outbox SET status='queued' WHERE id=" + std::to_string(copies_[0].outbox_id));
    store_.Record({Outcome(first, "sent")}, {}, start_ + kLease + 2s);
    EXPECT_EQ(Status(0), "sent") << "no other claim took it: the republished copy will find it done";
}

}  // namespace
}  // namespace bulkmsg
