#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/mysql/mysql_connection.hpp"

namespace bulkmsg::mysql {

/// A thread-safe pool of MySQL connections. With(fn) runs fn on a pooled (or new) connection; a connection
/// whose statement threw is closed instead of returned, since it may be broken or inside a transaction.
/// `session_setup` (optional) runs once on every new connection.
class MysqlPool {
public:
    MysqlPool(domain::DatabaseConfig config, std::size_t max_idle, std::string session_setup = "");
    ~MysqlPool();
    MysqlPool(const MysqlPool&) = delete;
    MysqlPool& operator=(const MysqlPool&) = delete;

    template <typename Fn>
    auto With(Fn fn) {
        auto connection = Acquire();
        auto result = fn(*connection);  // on exception the connection is dropped with the unique_ptr
        Release(std::move(connection));
        return result;
    }

    /// For work that holds one connection across calls (an open transaction): a pooled or new connection,
    /// to hand back with Release when it is healthy (or drop).
    std::unique_ptr<MysqlConnection> Acquire();
    void Release(std::unique_ptr<MysqlConnection> connection);

private:
    /// Every open connection counts as in_use in bulkmsg_db_connections except while it sits in a pool.
    static void MoveGauge(const char* from, const char* to);

    domain::DatabaseConfig config_;
    std::size_t max_idle_;
    std::string session_setup_;
    struct Idle {
        std::unique_ptr<MysqlConnection> connection;
        std::chrono::steady_clock::time_point since;
    };
    /// A connection idle longer than this is pinged before use: the server may have restarted meanwhile, and the
    /// first statement on a dead connection would fail the caller's request.
    static constexpr std::chrono::seconds kCheckAfterIdle{1};

    std::mutex mutex_;
    std::vector<Idle> idle_;
};

}  // namespace bulkmsg::mysql
