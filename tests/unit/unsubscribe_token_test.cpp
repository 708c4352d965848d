#include "domain/unsubscribe_token.hpp"

#include <gtest/gtest.h>

#include <set>

namespace bulkmsg::domain {
namespace {

const UnsubscribeKeys kKeys{"current-secret-0123456789", ""};
const UnsubscribeSubject kSubject{Channel::kEmail, 42, 9'000'000'001};

TEST(UnsubscribeTokenTest, RoundTripsEveryChannelAndId) {
    for (const auto channel : {Channel::kEmail, Channel::kSms, Channel::kPush}) {
        const UnsubscribeSubject subject{channel, 1ULL << 62, 7};
        const auto token = IssueUnsubscribeToken(subject, kKeys);
        EXPECT_EQ(token.size(), 46u);
        EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos);
        EXPECT_EQ(VerifyUnsubscribeToken(token, kKeys), subject);
    }
}

TEST(UnsubscribeTokenTest, DiffersPerSubjectAndKey) {
    std::set<std::string> tokens = {IssueUnsubscribeToken(kSubject, kKeys),
                                    IssueUnsubscribeToken({Channel::kSms, 42, 9'000'000'001}, kKeys),
                                    IssueUnsubscribeToken({Channel::kEmail, 43, 9'000'000'001}, kKeys),
                                    IssueUnsubscribeToken({Channel::kEmail, 42, 9'000'000'002}, kKeys),
                                    IssueUnsubscribeToken(kSubject, {"another-secret-0123456789", ""})};
    EXPECT_EQ(tokens.size(), 5u);
}

TEST(UnsubscribeTokenTest, RefusesEveryChangedCharacter) {
    const auto token = IssueUnsubscribeToken(kSubject, kKeys);
    for (std::size_t i = 0; i < token.size(); ++i) {
        auto forged = token;
        forged[i] = forged[i] == 'A' ? 'B' : 'A';
        EXPECT_FALSE(VerifyUnsubscribeToken(forged, kKeys)) << "position " << i;
    }
}

TEST(UnsubscribeTokenTest, RefusesTruncatedExtendedAndMalformedTokens) {
    const auto token = IssueUnsubscribeToken(kSubject, kKeys);
    for (std::size_t length = 0; length < token.size(); ++length) {
        EXPECT_FALSE(VerifyUnsubscribeToken(token.substr(0, length), kKeys)) << length;
    }
    EXPECT_FALSE(VerifyUnsubscribeToken(token + "A", kKeys));
    auto padded = token;
    padded.back() = '=';
    EXPECT_FALSE(VerifyUnsubscribeToken(padded, kKeys));
    EXPECT_FALSE(VerifyUnsubscribeToken(std::string(46, '+'), kKeys));
    EXPECT_FALSE(VerifyUnsubscribeToken(std::string(46, 'A'), kKeys));
}

TEST(UnsubscribeTokenTest, RotationAcceptsThePreviousKeyOnly) {
    const UnsubscribeKeys old_keys{"old-secret-0123456789abc", ""};
    const auto old_token = IssueUnsubscribeToken(kSubject, old_keys);
    const UnsubscribeKeys rotated{"new-secret-0123456789abc", "old-secret-0123456789abc"};
    EXPECT_EQ(VerifyUnsubscribeToken(old_token, rotated), kSubject);
    EXPECT_EQ(VerifyUnsubscribeToken(IssueUnsubscribeToken(kSubject, rotated), rotated), kSubject);
    EXPECT_FALSE(VerifyUnsubscribeToken(old_token, {"new-secret-0123456789abc", ""}));
    EXPECT_FALSE(VerifyUnsubscribeToken(old_token, {"new-secret-0123456789abc", "third-secret-0123456789"}));
}

TEST(UnsubscribeTokenTest, NeedsASecretToIssueAndRefusesWithoutKeys) {
    EXPECT_THROW(IssueUnsubscribeToken(kSubject, {}), std::invalid_argument);
    EXPECT_FALSE(VerifyUnsubscribeToken(IssueUnsubscribeToken(kSubject, kKeys), {}));
}

TEST(UnsubscribeTokenTest, CarriesNoAddress) {
    // The token holds ids only; nothing of an address can appear in it, whatever the recipient.
    const auto token = IssueUnsubscribeToken(kSubject, kKeys);
    EXPECT_EQ(token.find('@'), std::string::npos);
    EXPECT_EQ(token.find("example"), std::string::npos);
}

}  // namespace
}  // namespace bulkmsg::domain
