#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/channel.hpp"
#include "domain/unsubscribe_token.hpp"

namespace bulkmsg::app {

struct Suppression {
    std::uint64_t id = 0;
    domain::Channel channel = domain::Channel::kEmail;
    std::string address;
    std::string reason;
    std::string source = "api";                // who added it: api, one-click (an unsubscribe link)
    std::optional<std::uint64_t> campaign_id;  // the campaign whose link was used (one-click)
};

/// Addresses that no campaign sends to (port). Thread-safe.
class SuppressionStore {
public:
    virtual ~SuppressionStore() = default;
    /// Adds (or updates the reason of) a suppression; returns true when it is new.
    virtual bool AddSuppression(const Suppression& suppression) = 0;
    /// Removes the suppression of `address` on `channel`; false when there was none.
    virtual bool RemoveSuppression(domain::Channel channel, const std::string& address) = 0;
    /// Suppressions with id > after_id in id order, optionally of one channel, and only addresses starting with
    /// `address_prefix` (compared case-insensitively; empty = all).
    virtual std::vector<Suppression> ListSuppressions(std::optional<domain::Channel> channel,
                                                      const std::string& address_prefix, std::uint64_t after_id,
                                                      std::size_t limit) = 0;
    /// Opt-out everywhere: turns the address's unsent (pending or retrying) outbox rows in every running or paused
    /// campaign of the channel `suppressed`, recording a `recipient_suppressed` audit event (with `source`) in each
    /// campaign that had some. Returns how many rows changed.
    virtual std::size_t SuppressUnsentRows(domain::Channel channel, const std::string& address,
                                           const std::string& source) = 0;
    /// The address of the target an unsubscribe token names; nullopt when that campaign has no such target on
    /// that channel.
    virtual std::optional<std::string> UnsubscribeAddress(const domain::UnsubscribeSubject& subject) = 0;
};

}  // namespace bulkmsg::app
