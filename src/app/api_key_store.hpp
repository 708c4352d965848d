#pragma once

#include <optional>
#include <string>

namespace bulkmsg::app {

/// The API keys that authenticate machine clients (port). Thread-safe.
class ApiKeyStore {
public:
    virtual ~ApiKeyStore() = default;
    /// The name of the active API key whose SHA-256 is `key_hash`, if any.
    virtual std::optional<std::string> ApiKeyName(const std::string& key_hash) = 0;
};

}  // namespace bulkmsg::app
