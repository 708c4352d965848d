#include "adapters/mysql/mysql_pool.hpp"

namespace bulkmsg::mysql {

MysqlPool::MysqlPool(domain::DatabaseConfig config, std::size_t max_idle, std::string session_setup)
    : config_(std::move(config)), max_idle_(max_idle), session_setup_(std::move(session_setup)) {}

std::unique_ptr<MysqlConnection> MysqlPool::Acquire() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto connection = std::move(idle_.back());
            idle_.pop_back();
            return connection;
        }
    }
    auto connection = std::make_unique<MysqlConnection>(config_);
    if (!session_setup_.empty()) {
        connection->Execute(session_setup_);
    }
    return connection;
}

void MysqlPool::Release(std::unique_ptr<MysqlConnection> connection) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) {
        idle_.push_back(std::move(connection));
    }
}

}  // namespace bulkmsg::mysql
