#include "adapters/redis/redis_client.hpp"

#include <hiredis.h>
#include <sys/time.h>

#include <memory>

#include "app/metrics/metrics.hpp"

namespace bulkmsg::redis {

RedisError::RedisError(const std::string& message) : app::DependencyError("cache", message, true) {
    app::CountDependencyError("redis");
}

RedisClient::RedisClient(const domain::RedisConfig& config, int timeout_seconds) {
    timeval timeout{timeout_seconds, 0};
    context_ = redisConnectWithTimeout(config.host.c_str(), config.port, timeout);
    const std::string where = "Redis at " + config.host + ":" + std::to_string(config.port);
    if (context_ == nullptr || context_->err != 0) {
        std::string reason = context_ == nullptr ? "out of memory" : context_->errstr;
        redisFree(context_);
        throw RedisError("cannot connect to " + where + ": " + reason);
    }
    redisSetTimeout(context_, timeout);
    if (!config.password.empty()) {
        try {
            Command({"AUTH", config.password});
        } catch (const RedisError& e) {
            redisFree(context_);
            throw RedisError("cannot authenticate to " + where + ": " + e.what());
        }
    }
}

RedisClient::~RedisClient() {
    redisFree(context_);
}

namespace {

std::string ScalarText(const redisReply& reply) {
    switch (reply.type) {
        case REDIS_REPLY_ERROR: throw RedisError(std::string(reply.str, reply.len));
        case REDIS_REPLY_INTEGER: return std::to_string(reply.integer);
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS: return std::string(reply.str, reply.len);
        default: return {};
    }
}

}  // namespace

std::string RedisClient::Command(const std::vector<std::string>& args) {
    return ScalarText(*Send(args));
}

std::vector<std::string> RedisClient::CommandList(const std::vector<std::string>& args) {
    const auto reply = Send(args);
    if (reply->type != REDIS_REPLY_ARRAY) {
        return {ScalarText(*reply)};
    }
    std::vector<std::string> items;
    for (std::size_t i = 0; i < reply->elements; ++i) {
        items.push_back(ScalarText(*reply->element[i]));
    }
    return items;
}

std::vector<std::string> RedisClient::Pipeline(const std::vector<std::vector<std::string>>& commands) {
    for (const auto& args : commands) {
        Append(args);
    }
    std::vector<std::unique_ptr<redisReply, void (*)(void*)>> replies;
    replies.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        replies.push_back(NextReply());
    }
    std::vector<std::string> texts;
    texts.reserve(replies.size());
    for (const auto& reply : replies) {
        texts.push_back(ScalarText(*reply));
    }
    return texts;
}

void RedisClient::Append(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
        throw RedisError(std::string("Redis connection error: ") + context_->errstr);
    }
}

std::unique_ptr<redisReply, void (*)(void*)> RedisClient::NextReply() {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
        throw RedisError(std::string("Redis connection error: ") + context_->errstr);
    }
    return {static_cast<redisReply*>(raw), freeReplyObject};
}

std::unique_ptr<redisReply, void (*)(void*)> RedisClient::Send(const std::vector<std::string>& args) {
    Append(args);
    return NextReply();
}

}  // namespace bulkmsg::redis
