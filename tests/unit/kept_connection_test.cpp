#include "app/kept_connection.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bulkmsg::app {
namespace {

// A connection that answers until the "server" it belongs to restarts or goes away.
struct FakeConnection {
    int generation;  // the server's generation when it was opened
};

struct FakeServer {
    int generation = 1;
    bool up = true;
    int opened = 0;

    std::unique_ptr<FakeConnection> Open() {
        if (!up) {
            throw std::runtime_error("connection refused");
        }
        ++opened;
        return std::make_unique<FakeConnection>(FakeConnection{generation});
    }
    int Read(const FakeConnection& c) const {
        if (!up || c.generation != generation) {
            throw std::runtime_error("server has gone away");
        }
        return 42;
    }
    std::optional<std::string> ReadThrough(std::unique_ptr<FakeConnection>& kept, int& value) {
        return ReadWithKeptConnection(
            kept, [&] { return Open(); }, [&](FakeConnection& c) { value = Read(c); });
    }
};

TEST(KeptConnectionTest, OneConnectionServesEveryRead) {
    FakeServer server;
    std::unique_ptr<FakeConnection> kept;
    int value = 0;
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(server.ReadThrough(kept, value), std::nullopt);
    }
    EXPECT_EQ(value, 42);
    EXPECT_EQ(server.opened, 1);
}

TEST(KeptConnectionTest, AConnectionBrokenSinceTheLastReadIsReplacedWithoutAFailure) {
    FakeServer server;
    std::unique_ptr<FakeConnection> kept;
    int value = 0;
    ASSERT_EQ(server.ReadThrough(kept, value), std::nullopt);
    ++server.generation;  // restarted between two reads
    EXPECT_EQ(server.ReadThrough(kept, value), std::nullopt);
    EXPECT_EQ(server.opened, 2);
    ASSERT_NE(kept, nullptr);
    EXPECT_EQ(kept->generation, 2);
}

TEST(KeptConnectionTest, AServerThatIsDownFailsTheReadOnceAndIsReconnectedWhenBack) {
    FakeServer server;
    std::unique_ptr<FakeConnection> kept;
    int value = 0;
    ASSERT_EQ(server.ReadThrough(kept, value), std::nullopt);
    server.up = false;
    EXPECT_EQ(server.ReadThrough(kept, value), "connection refused");  // the kept one failed, then a new one
    EXPECT_EQ(kept, nullptr);
    EXPECT_EQ(server.ReadThrough(kept, value), "connection refused");  // no kept connection: no retry
    server.up = true;
    ++server.generation;
    EXPECT_EQ(server.ReadThrough(kept, value), std::nullopt);
    EXPECT_EQ(server.opened, 2);
}

}  // namespace
}  // namespace bulkmsg::app
