#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/channel.hpp"

namespace bulkmsg::app {

struct Suppression {
    std::uint64_t id = 0;
    domain::Channel channel = domain::Channel::kEmail;
    std::string address;
    std::string reason;
};

/// Addresses that no campaign sends to (port). Thread-safe.
class SuppressionStore {
public:
    virtual ~SuppressionStore() = default;
    /// Adds (or updates the reason of) a suppression; returns true when it is new.
    virtual bool AddSuppression(const Suppression& suppression) = 0;
    /// Removes the suppression of `address` on `channel`; false when there was none.
    virtual bool RemoveSuppression(domain::Channel channel, const std::string& address) = 0;
    /// Suppressions with id > after_id in id order, optionally of one channel.
    virtual std::vector<Suppression> ListSuppressions(std::optional<domain::Channel> channel, std::uint64_t after_id,
                                                      std::size_t limit) = 0;
};

}  // namespace bulkmsg::app
