#pragma once

#include "domain/config.hpp"
#include "domain/config_reader.hpp"

/// The sections of ParseConfig, one file each (config_<section>.cpp). Each fills its part of `c` and throws
/// ConfigError naming the first bad variable; ParseConfig calls them in a fixed order, so with several bad
/// variables the same one is always named.
namespace bulkmsg::domain {

/// DB_*, RABBITMQ_*, REDIS_* and the queue names (config_connections.cpp).
void ParseConnections(const ConfigReader& r, Config& c);
/// POLL_*, PREPARE_BATCH_SIZE, SCHEDULE_MAX_LATENESS, QUEUED_LEASE_SECONDS, PUBLISH_CONFIRM_TIMEOUT_MS
/// (config_delivery.cpp).
void ParsePoller(const ConfigReader& r, Config& c);
/// The email, SMS and push providers and their transport (config_providers.cpp).
void ParseProviders(const ConfigReader& r, Config& c);
/// CONSUMER_*, retries, rates and sent markers, checked against the poller's lease (config_delivery.cpp); after
/// ParsePoller and ParseProviders.
void ParseConsumer(const ConfigReader& r, Config& c);
/// Logging, tracing, NODE_ENV and the HTTP API (config_service.cpp).
void ParseService(const ConfigReader& r, Config& c);

}  // namespace bulkmsg::domain
