#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "adapters/mysql/mysql_connection.hpp"

namespace bulkmsg::mysql {

/// A thread-safe pool of MySQL connections for request handlers. With(fn) runs fn on a pooled (or new)
/// connection; a connection whose statement threw is closed instead of returned, since it may be broken or
/// inside a transaction.
class MysqlPool {
public:
    MysqlPool(domain::DatabaseConfig config, std::size_t max_idle);

    template <typename Fn>
    auto With(Fn fn) {
        auto connection = Acquire();
        auto result = fn(*connection);  // on exception the connection is dropped with the unique_ptr
        Release(std::move(connection));
        return result;
    }

private:
    std::unique_ptr<MysqlConnection> Acquire();
    void Release(std::unique_ptr<MysqlConnection> connection);

    domain::DatabaseConfig config_;
    std::size_t max_idle_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<MysqlConnection>> idle_;
};

}  // namespace bulkmsg::mysql
