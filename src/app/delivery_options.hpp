#pragma once

#include <chrono>
#include <cstddef>
#include <map>

#include "domain/channel.hpp"
#include "domain/delivery_outcome.hpp"

namespace bulkmsg::app {

/// The tuning of one consumer worker, shared by its stages (claim, dispatch, outcome writing).
struct DeliveryWorkerOptions {
    std::size_t prefetch = 200;       // messages (single or batches) held at once, as the channel's basic.qos
    std::size_t max_in_flight = 256;  // provider requests at once
    std::size_t claim_rows = 100;     // items received before a claim is forced (a claim takes all received)
    std::chrono::milliseconds claim_interval{10};  // a received message waits at most this long for its claim
    std::size_t flush_rows = 500;                  // outcomes written per transaction at most before a flush is forced
    std::chrono::milliseconds flush_interval{10};  // an outcome waits at most this long for its write
    std::chrono::seconds lease{900};               // QUEUED_LEASE_SECONDS: a 'sending' row older than this is free
    domain::RetryPolicy retry;
    std::map<domain::Channel, double> rate_per_second;  // shared token buckets by channel; 0 or absent = unlimited
    std::chrono::seconds max_wait_for_rate{
        30};  // a message waiting longer (or half the lease) for a token goes back to the outbox
};

}  // namespace bulkmsg::app
