#include "feedback_plan.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace bulkmsg::sim {

namespace {

void Check(bool ok, const std::string& what) {
    if (!ok) {
        throw std::invalid_argument(what);
    }
}

std::uint32_t QuotaOf(double rate) {
    return static_cast<std::uint32_t>(std::lround(rate * kFeedbackBlock));
}

}  // namespace

void ValidateRates(const FeedbackRates& r) {
    const std::pair<const char*, double> all[] = {{"bounce", r.bounce},
                                                  {"dropped", r.dropped},
                                                  {"deferred", r.deferred},
                                                  {"spamreport", r.spamreport},
                                                  {"open", r.open},
                                                  {"click", r.click},
                                                  {"duplicates", r.duplicates},
                                                  {"out-of-order", r.out_of_order},
                                                  {"sms-undelivered", r.sms_undelivered},
                                                  {"sms-failed", r.sms_failed},
                                                  {"sms-stop", r.sms_stop}};
    for (const auto& [name, rate] : all) {
        Check(rate >= 0.0 && rate <= 1.0, std::string("feedback rate ") + name + " must be between 0 and 1");
    }
    const auto undelivered = QuotaOf(r.bounce) + QuotaOf(r.dropped);
    Check(undelivered <= kFeedbackBlock, "feedback rates bounce + dropped must not exceed 1");
    for (const auto& [name, rate] : {all[2], all[3], all[4], all[5]}) {
        Check(QuotaOf(rate) <= kFeedbackBlock - undelivered,
              std::string("feedback rate ") + name + " applies to delivered mail: at most 1 - bounce - dropped");
    }
    Check(QuotaOf(r.sms_undelivered) + QuotaOf(r.sms_failed) <= kFeedbackBlock,
          "feedback rates sms-undelivered + sms-failed must not exceed 1");
}

std::uint64_t Mix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

SlotShuffle::SlotShuffle(std::uint64_t seed, std::uint64_t stream) : seed_(Mix64(seed) ^ Mix64(~stream)) {}

std::uint32_t SlotShuffle::Rank(std::uint64_t message_index) {
    const auto block = message_index / kFeedbackBlock;
    if (block != block_) {
        block_ = block;
        ranks_.resize(kFeedbackBlock);
        std::iota(ranks_.begin(), ranks_.end(), 0u);
        std::uint64_t state = seed_ ^ Mix64(block);
        for (std::uint32_t i = kFeedbackBlock - 1; i > 0; --i) {  // Fisher–Yates with a fixed generator
            state = Mix64(state);
            std::swap(ranks_[i], ranks_[state % (i + 1)]);
        }
    }
    return ranks_[message_index % kFeedbackBlock];
}

FeedbackPlanner::FeedbackPlanner(const FeedbackRates& r, std::uint64_t seed) {
    ValidateRates(r);
    const double rates[kQuotas] = {r.bounce,     r.dropped,      r.deferred,        r.spamreport, r.open,    r.click,
                                   r.duplicates, r.out_of_order, r.sms_undelivered, r.sms_failed, r.sms_stop};
    for (std::size_t i = 0; i < kQuotas; ++i) {
        quota_[i] = QuotaOf(rates[i]);
    }
    for (std::size_t s = 0; s < kStreams; ++s) {
        streams_.emplace_back(seed, s);
    }
}

bool FeedbackPlanner::Picked(Stream stream, std::uint64_t index, Quota quota) {
    return streams_[stream].Rank(index) < quota_[quota];
}

/// Ranks below bounce+dropped are not delivered; the delivered ranks above them are laid out from their low end
/// for spamreport, open and click (so clicks are opened mail) and from their high end for deferred.
MailFate FeedbackPlanner::NextMail() {
    const auto index = mails_++;
    const auto rank = streams_[kMailOutcome].Rank(index);
    MailFate fate;
    fate.duplicate = Picked(kMailDuplicate, index, kDuplicates);
    fate.out_of_order = Picked(kMailOrder, index, kOrder);
    if (rank < quota_[kBounce]) {
        fate.outcome = MailOutcome::kBounced;
        return fate;
    }
    if (rank < quota_[kBounce] + quota_[kDropped]) {
        fate.outcome = MailOutcome::kDropped;
        return fate;
    }
    const auto offset = rank - quota_[kBounce] - quota_[kDropped];
    const auto delivered = kFeedbackBlock - quota_[kBounce] - quota_[kDropped];
    fate.outcome = offset < quota_[kSpam] ? MailOutcome::kComplained : MailOutcome::kDelivered;
    fate.opened = offset < quota_[kOpen];
    fate.clicked = offset < quota_[kClick];
    fate.deferred = offset >= delivered - quota_[kDeferred];
    return fate;
}

SmsFate FeedbackPlanner::NextSms() {
    const auto index = sms_++;
    const auto rank = streams_[kSmsOutcome].Rank(index);
    SmsFate fate;
    if (rank < quota_[kSmsUndelivered]) {
        fate.outcome = SmsOutcome::kUndelivered;
    } else if (rank < quota_[kSmsUndelivered] + quota_[kSmsFailed]) {
        fate.outcome = SmsOutcome::kFailed;
    }
    fate.duplicate = Picked(kSmsDuplicate, index, kDuplicates);
    fate.out_of_order = Picked(kSmsOrder, index, kOrder);
    fate.stop = Picked(kSmsStop, index, kStop);
    return fate;
}

}  // namespace bulkmsg::sim
