#include "domain/config_sections.hpp"

namespace bulkmsg::domain {

void ParseConnections(const ConfigReader& r, Config& c) {
    c.db = {r.Required("DB_HOST"), r.Port("DB_PORT"), r.Required("DB_USERNAME"), r.Text("DB_PASSWORD"),
            r.Required("DB_NAME")};
    const auto hosts = r.Text("RABBITMQ_HOSTS");
    std::vector<BrokerEndpoint> endpoints;
    if (hosts.empty()) {
        // Host and port read before the element is built: an exception thrown inside a braced initializer list is
        // reported by ASan as a stack-use-after-scope under GCC 12.
        auto host = r.Required("RABBITMQ_HOST");
        const auto port = r.Port("RABBITMQ_PORT");
        endpoints.push_back({std::move(host), port});
    } else {
        endpoints = ParseBrokerEndpoints("RABBITMQ_HOSTS", hosts);
    }
    c.rabbitmq = {std::move(endpoints), r.Required("RABBITMQ_USER"), r.Text("RABBITMQ_PASSWORD"),
                  r.Required("RABBITMQ_VHOST")};
    c.redis = {r.Required("REDIS_HOST"), r.Port("REDIS_PORT"), r.Text("REDIS_PASSWORD")};
    c.queues = {r.Required("NOTIFICATION_QUEUE"), r.Required("DEAD_LETTER_QUEUE"),
                r.OneOf("RABBITMQ_QUEUE_TYPE", {"classic", "quorum"})};
    if (c.queues.queue == c.queues.dead_letter_queue) {
        throw ConfigError("DEAD_LETTER_QUEUE", "must differ from NOTIFICATION_QUEUE");
    }
}

}  // namespace bulkmsg::domain
