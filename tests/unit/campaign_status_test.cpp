// The campaign status machine: every step from every status, checked against the lifecycle written out here.
#include <gtest/gtest.h>

#include <set>

#include "domain/campaign_status.hpp"
#include "domain/outbox_status.hpp"

namespace bulkmsg::domain {
namespace {

using S = CampaignStatus;

TEST(CampaignStatusTest, EveryStatusRoundTripsThroughItsName) {
    std::set<std::string_view> names;
    for (const auto status : kAllCampaignStatuses) {
        names.insert(ToString(status));
        EXPECT_EQ(ParseCampaignStatus(ToString(status)), status);
    }
    EXPECT_EQ(names, (std::set<std::string_view>{"draft", "scheduled", "preparing", "running", "paused", "completed",
                                                 "cancelled", "failed"}));
    EXPECT_EQ(ParseCampaignStatus("Running"), std::nullopt);
    EXPECT_EQ(ParseCampaignStatus(""), std::nullopt);
}

TEST(CampaignStatusTest, EachStepIsAllowedFromExactlyItsStatuses) {
    const std::map<CampaignStep, std::pair<std::set<S>, S>> expected = {
        {CampaignStep::kSchedule, {{S::kDraft, S::kScheduled}, S::kScheduled}},
        {CampaignStep::kPrepare, {{S::kDraft, S::kScheduled}, S::kPreparing}},
        {CampaignStep::kScheduleDue, {{S::kScheduled}, S::kPreparing}},
        {CampaignStep::kPrepared, {{S::kPreparing}, S::kRunning}},
        {CampaignStep::kPrepareFailed, {{S::kPreparing}, S::kFailed}},
        {CampaignStep::kPause, {{S::kRunning}, S::kPaused}},
        {CampaignStep::kResume, {{S::kPaused}, S::kRunning}},
        {CampaignStep::kCancel, {{S::kDraft, S::kScheduled, S::kPreparing, S::kRunning, S::kPaused}, S::kCancelled}},
        {CampaignStep::kComplete, {{S::kRunning}, S::kCompleted}},
    };
    for (const auto& [step, rule] : expected) {
        EXPECT_EQ(TransitionOf(step).to, rule.second);
        for (const auto status : kAllCampaignStatuses) {
            EXPECT_EQ(Allows(step, status), rule.first.count(status) == 1)
                << "step " << static_cast<int>(step) << " from " << ToString(status);
        }
    }
}

TEST(CampaignStatusTest, OnlyTheLifecycleMovesAreReachableAndFinalStatusesLeadNowhere) {
    const std::set<std::pair<S, S>> moves = {
        {S::kDraft, S::kScheduled},     {S::kScheduled, S::kScheduled}, {S::kDraft, S::kPreparing},
        {S::kScheduled, S::kPreparing}, {S::kPreparing, S::kRunning},   {S::kPreparing, S::kFailed},
        {S::kRunning, S::kPaused},      {S::kPaused, S::kRunning},      {S::kRunning, S::kCompleted},
        {S::kDraft, S::kCancelled},     {S::kScheduled, S::kCancelled}, {S::kPreparing, S::kCancelled},
        {S::kRunning, S::kCancelled},   {S::kPaused, S::kCancelled}};
    for (const auto from : kAllCampaignStatuses) {
        for (const auto to : kAllCampaignStatuses) {
            EXPECT_EQ(CanMove(from, to), moves.count({from, to}) == 1) << ToString(from) << " -> " << ToString(to);
        }
    }
}

TEST(CampaignStatusTest, TargetsAreAcceptedOnlyBeforePreparation) {
    for (const auto status : kAllCampaignStatuses) {
        EXPECT_EQ(AcceptsTargets(status), status == S::kDraft || status == S::kScheduled) << ToString(status);
    }
}

TEST(OutboxStatusTest, EveryStatusRoundTripsAndFourAreFinal) {
    std::set<std::string_view> finals;
    for (const auto status : kAllOutboxStatuses) {
        EXPECT_EQ(ParseOutboxStatus(ToString(status)), status);
        if (IsFinal(status)) {
            finals.insert(ToString(status));
        }
    }
    EXPECT_EQ(kAllOutboxStatuses.size(), 8u);
    EXPECT_EQ(finals, (std::set<std::string_view>{"sent", "failed", "cancelled", "suppressed"}));
    EXPECT_EQ(ParseOutboxStatus("delivered"), std::nullopt);
}

}  // namespace
}  // namespace bulkmsg::domain
