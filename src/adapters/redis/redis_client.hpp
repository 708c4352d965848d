#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/dependency_error.hpp"
#include "domain/config.hpp"

struct redisContext;
struct redisReply;

namespace bulkmsg::redis {

/// Always an outage of the `cache` (the API's 503 names it). Constructing one counts a redis error in
/// bulkmsg_dependency_errors_total.
class RedisError : public app::DependencyError {
public:
    explicit RedisError(const std::string& message);
};

/// A synchronous Redis connection (hiredis), authenticated with REDIS_PASSWORD when set. Not thread-safe.
class RedisClient {
public:
    explicit RedisClient(const domain::RedisConfig& config, int timeout_seconds = 5);
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    /// Sends one command (arguments are binary-safe) and returns the reply as text: status and bulk
    /// replies as is, integers in decimal, nil as an empty string. Throws RedisError on an error reply.
    std::string Command(const std::vector<std::string>& args);
    /// Like Command for replies that are arrays (each element as text); a scalar reply is a one-element list.
    std::vector<std::string> CommandList(const std::vector<std::string>& args);
    /// Sends every command at once and then reads the replies (one round trip, not one per command); returns each
    /// reply as Command would. Throws RedisError on an error reply, after every reply was read.
    std::vector<std::string> Pipeline(const std::vector<std::vector<std::string>>& commands);

private:
    std::unique_ptr<::redisReply, void (*)(void*)> Send(const std::vector<std::string>& args);
    void Append(const std::vector<std::string>& args);
    std::unique_ptr<::redisReply, void (*)(void*)> NextReply();
    redisContext* context_;
};

}  // namespace bulkmsg::redis
