#include "domain/seed_data.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace bulkmsg::domain {
namespace {

TEST(SeedDataTest, UserRefsAreValidPerChannelAndUnique) {
    std::set<std::string> seen;
    for (std::uint64_t i = 0; i < 200; ++i) {
        auto email = SeedUserRef(Channel::kEmail, i);
        auto sms = SeedUserRef(Channel::kSms, i);
        auto push = SeedUserRef(Channel::kPush, i);
        EXPECT_TRUE(std::regex_match(email, std::regex(R"([a-z0-9]+@example\.com)"))) << email;
        EXPECT_TRUE(std::regex_match(sms, std::regex(R"(\+[1-9][0-9]{7,14})"))) << sms;
        EXPECT_TRUE(std::regex_match(push, std::regex("[0-9a-f]{64}"))) << push;
        seen.insert(email);
        seen.insert(sms);
        seen.insert(push);
    }
    EXPECT_EQ(seen.size(), 600u);
}

TEST(SeedDataTest, ChannelNamesRoundTrip) {
    for (auto c : {Channel::kEmail, Channel::kSms, Channel::kPush}) {
        EXPECT_EQ(ParseChannel(ToString(c)), c);
    }
    EXPECT_EQ(ParseChannel("fax"), std::nullopt);
    EXPECT_EQ(SeedTimezone(3), "Asia/Tokyo");
}

}  // namespace
}  // namespace bulkmsg::domain
