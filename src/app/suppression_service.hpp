#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/suppression_store.hpp"
#include "domain/target.hpp"

namespace bulkmsg::app {

/// The suppression list as users manage it: an address is checked against its channel's rules (an e-mail
/// address, an E.164 number, a push token) before it is added or looked up. Thread-safe when the store is.
class SuppressionService {
public:
    static constexpr std::size_t kMaxReasonBytes = 255;

    explicit SuppressionService(SuppressionStore& store);

    /// The problems with `channel` and `address` (fields "channel", "address"); empty when both are valid.
    static std::vector<domain::FieldError> Check(const std::string& channel, const std::string& address);

    enum class Added { kCreated, kUpdated };
    /// Adds (or updates the reason of) a checked suppression, and suppresses the address's unsent rows in running
    /// campaigns of the channel (SuppressionStore::SuppressUnsentRows).
    Added Add(const Suppression& suppression);
    /// False when `address` was not suppressed on `channel`.
    bool Remove(domain::Channel channel, const std::string& address);
    std::vector<Suppression> List(std::optional<domain::Channel> channel, const std::string& address_prefix,
                                  std::uint64_t after_id, std::size_t limit);

private:
    SuppressionStore& store_;
};

}  // namespace bulkmsg::app
