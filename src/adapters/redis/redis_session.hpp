#pragma once

#include <memory>
#include <mutex>

#include "adapters/redis/redis_client.hpp"

namespace bulkmsg::redis {

/// One Redis connection behind a mutex, opened on first use and reopened after any error (the error still
/// reaches the caller). Thread-safe.
class RedisSession {
public:
    explicit RedisSession(domain::RedisConfig config, int timeout_seconds = 1)
        : config_(std::move(config)), timeout_seconds_(timeout_seconds) {}

    template <typename Fn>
    auto Run(Fn fn) {
        std::lock_guard lock(mutex_);
        try {
            if (!client_) {
                client_ = std::make_unique<RedisClient>(config_, timeout_seconds_);
            }
            return fn(*client_);
        } catch (const std::exception&) {
            client_.reset();
            throw;
        }
    }

private:
    domain::RedisConfig config_;
    int timeout_seconds_;
    std::mutex mutex_;
    std::unique_ptr<RedisClient> client_;
};

}  // namespace bulkmsg::redis
