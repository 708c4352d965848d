#pragma once

#include <optional>
#include <string_view>

#include "app/suppression_store.hpp"
#include "domain/unsubscribe_token.hpp"

namespace bulkmsg::app {

/// One-click unsubscribe (RFC 8058) from the token of an unsubscribe link. Thread-safe when the store is.
class UnsubscribeService {
public:
    UnsubscribeService(SuppressionStore& store, domain::UnsubscribeKeys keys);

    /// The channel of a valid token whose target exists; nullopt otherwise. Reads only.
    std::optional<domain::Channel> Check(std::string_view token);

    /// Suppresses the token's address on its channel (source `one-click`, the token's campaign) and its unsent rows
    /// in running campaigns of that channel. Idempotent. False for an invalid token, which writes nothing.
    bool OneClick(std::string_view token);

private:
    struct Resolved {
        domain::UnsubscribeSubject subject;
        std::string address;
    };
    std::optional<Resolved> Resolve(std::string_view token);

    SuppressionStore& store_;
    domain::UnsubscribeKeys keys_;
};

}  // namespace bulkmsg::app
