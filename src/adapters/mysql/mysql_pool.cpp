#include "adapters/mysql/mysql_pool.hpp"

#include "app/metrics/metrics.hpp"

namespace bulkmsg::mysql {

MysqlPool::MysqlPool(domain::DatabaseConfig config, std::size_t max_idle, std::string session_setup)
    : config_(std::move(config)), max_idle_(max_idle), session_setup_(std::move(session_setup)) {}

std::unique_ptr<MysqlConnection> MysqlPool::Acquire() {
    while (true) {
        Idle idle;
        {
            std::lock_guard lock(mutex_);
            if (idle_.empty()) {
                break;
            }
            idle = std::move(idle_.back());
            idle_.pop_back();
            MoveGauge("idle", "in_use");
        }
        if (std::chrono::steady_clock::now() - idle.since < kCheckAfterIdle || idle.connection->Alive()) {
            return std::move(idle.connection);
        }
        // Dead (e.g. the server restarted): dropped here, the next idle one or a new connection is tried.
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
        idle_.push_back({std::move(connection), std::chrono::steady_clock::now()});
        MoveGauge("in_use", "idle");
    }
}

MysqlPool::~MysqlPool() {
    for (std::size_t i = 0; i < idle_.size(); ++i) {
        MoveGauge("idle", "in_use");  // each connection's destructor takes it off in_use
    }
}

void MysqlPool::MoveGauge(const char* from, const char* to) {
    auto& gauge = app::ProcessMetrics().db_connections;
    gauge.With({from}).Dec();
    gauge.With({to}).Inc();
}

}  // namespace bulkmsg::mysql
