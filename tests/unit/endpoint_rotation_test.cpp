#include "app/endpoint_rotation.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bulkmsg::app {
namespace {

using Order = std::vector<std::size_t>;

TEST(EndpointRotationTest, FirstAttemptTriesEveryEndpointInConfiguredOrder) {
    EndpointRotation rotation(3);
    EXPECT_EQ(rotation.Order(), (Order{0, 1, 2}));
    EXPECT_FALSE(rotation.Current().has_value());
}

TEST(EndpointRotationTest, TheFirstConnectionIsNotAFailoverEvenOnALaterEndpoint) {
    EndpointRotation rotation(3);
    EXPECT_FALSE(rotation.Connected(1));  // endpoint 0 was down from the start
    EXPECT_EQ(rotation.Current(), 1u);
    EXPECT_EQ(rotation.Order(), (Order{1, 2, 0}));
}

TEST(EndpointRotationTest, ALostConnectionMovesTheNextAttemptToTheNextEndpointRoundRobin) {
    EndpointRotation rotation(3);
    rotation.Connected(2);
    rotation.Lost();
    EXPECT_FALSE(rotation.Current().has_value());
    EXPECT_EQ(rotation.Order(), (Order{0, 1, 2}));  // wraps: the lost node is tried last
    EXPECT_TRUE(rotation.Connected(0));
    EXPECT_EQ(rotation.Previous(), 0u);
}

TEST(EndpointRotationTest, ReconnectingToTheSameEndpointIsNotAFailover) {
    EndpointRotation rotation(2);
    rotation.Connected(0);
    rotation.Lost();
    EXPECT_EQ(rotation.Order(), (Order{1, 0}));
    EXPECT_FALSE(rotation.Connected(0));  // endpoint 1 did not answer; 0 came back
}

TEST(EndpointRotationTest, LostWithoutAConnectionKeepsTheOrder) {
    EndpointRotation rotation(3);
    rotation.Connected(1);
    rotation.Lost();
    rotation.Lost();  // a failed connect attempt after the loss
    EXPECT_EQ(rotation.Order(), (Order{2, 0, 1}));
}

TEST(EndpointRotationTest, ASingleEndpointAlwaysComesBackToItself) {
    EndpointRotation rotation(1);
    rotation.Connected(0);
    rotation.Lost();
    EXPECT_EQ(rotation.Order(), (Order{0}));
    EXPECT_FALSE(rotation.Connected(0));
}

TEST(EndpointRotationTest, NoEndpointsIsALogicError) {
    EXPECT_THROW(EndpointRotation(0), std::invalid_argument);
}

}  // namespace
}  // namespace bulkmsg::app
