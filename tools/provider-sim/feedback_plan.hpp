#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "domain/enum_names.hpp"

namespace bulkmsg::sim {

/// Shares (0…1) of accepted messages that get each kind of provider feedback (docs/simulator.md "Feedback").
/// bounce and dropped mail is never delivered; spamreport, deferred (then delivered), open and click apply to
/// delivered mail. duplicates and out_of_order apply to both providers.
struct FeedbackRates {
    double bounce = 0.0, dropped = 0.0, deferred = 0.0, spamreport = 0.0, open = 0.0, click = 0.0;
    double duplicates = 0.0, out_of_order = 0.0;
    double sms_undelivered = 0.0, sms_failed = 0.0, sms_stop = 0.0;
};

/// Throws std::invalid_argument naming the first rate out of range: each in [0, 1], bounce + dropped ≤ 1,
/// deferred, spamreport, open and click each ≤ 1 − bounce − dropped, sms_undelivered + sms_failed ≤ 1.
void ValidateRates(const FeedbackRates& rates);

/// Messages are planned in blocks of this many, in acceptance order: each block holds exactly
/// round(rate × kFeedbackBlock) messages of each kind, so N = k × kFeedbackBlock messages give exact counts.
inline constexpr std::uint32_t kFeedbackBlock = 1000;

/// The rank (0 … kFeedbackBlock − 1) of each message within its block: a permutation of the block drawn from
/// (seed, stream, block number) with a fixed generator, so a seed gives the same plan on every platform.
class SlotShuffle {
public:
    SlotShuffle(std::uint64_t seed, std::uint64_t stream);
    std::uint32_t Rank(std::uint64_t message_index);

private:
    std::uint64_t seed_;
    std::uint64_t block_ = UINT64_MAX;
    std::vector<std::uint32_t> ranks_;
};

/// SplitMix64: a bijective 64-bit mix, for seeded ids and permutations.
std::uint64_t Mix64(std::uint64_t x);

enum class MailOutcome { kDelivered, kBounced, kDropped, kComplained };
inline constexpr domain::EnumNames<MailOutcome, 4> kMailOutcomeNames{{"delivered", "bounced", "dropped", "complained"}};

enum class SmsOutcome { kDelivered, kUndelivered, kFailed };
inline constexpr domain::EnumNames<SmsOutcome, 3> kSmsOutcomeNames{{"delivered", "undelivered", "failed"}};

/// What happens to one accepted mail after SendGrid took it.
struct MailFate {
    MailOutcome outcome = MailOutcome::kDelivered;
    bool deferred = false, opened = false, clicked = false;
    bool duplicate = false;     // its final event is sent a second time, in a later batch
    bool out_of_order = false;  // its events are sent last first
};

/// What happens to one accepted SMS after Twilio took it.
struct SmsFate {
    SmsOutcome outcome = SmsOutcome::kDelivered;
    bool duplicate = false;     // its final status callback is sent twice
    bool out_of_order = false;  // its callbacks are sent last first
    bool stop = false;          // the recipient texts STOP back
};

/// Draws the fate of each accepted message from the rates, block by block (see kFeedbackBlock). Not thread-safe.
class FeedbackPlanner {
public:
    FeedbackPlanner(const FeedbackRates& rates, std::uint64_t seed);
    MailFate NextMail();
    SmsFate NextSms();

private:
    enum Stream : std::size_t {
        kMailOutcome,
        kMailDuplicate,
        kMailOrder,
        kSmsOutcome,
        kSmsDuplicate,
        kSmsOrder,
        kSmsStop,
        kStreams
    };
    enum Quota : std::size_t {
        kBounce,
        kDropped,
        kDeferred,
        kSpam,
        kOpen,
        kClick,
        kDuplicates,
        kOrder,
        kSmsUndelivered,
        kSmsFailed,
        kStop,
        kQuotas
    };
    bool Picked(Stream stream, std::uint64_t index, Quota quota);

    std::array<std::uint32_t, kQuotas> quota_{};
    std::vector<SlotShuffle> streams_;
    std::uint64_t mails_ = 0, sms_ = 0;
};

}  // namespace bulkmsg::sim
