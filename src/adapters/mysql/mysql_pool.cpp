#include "adapters/mysql/mysql_pool.hpp"

namespace bulkmsg::mysql {

MysqlPool::MysqlPool(domain::DatabaseConfig config, std::size_t max_idle)
    : config_(std::move(config)), max_idle_(max_idle) {}

std::unique_ptr<MysqlConnection> MysqlPool::Acquire() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto connection = std::move(idle_.back());
            idle_.pop_back();
            return connection;
        }
    }
    return std::make_unique<MysqlConnection>(config_);
}

void MysqlPool::Release(std::unique_ptr<MysqlConnection> connection) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) {
        idle_.push_back(std::move(connection));
    }
}

}  // namespace bulkmsg::mysql
