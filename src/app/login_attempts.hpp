#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/outbox_row.hpp"

namespace bulkmsg::app {

/// Failed-login bookkeeping per subject ("account:<email>", "ip:<address>") (port). Thread-safe.
class LoginAttempts {
public:
    virtual ~LoginAttempts() = default;
    /// The end of the subject's lock, if one was set (it may lie in the past; the caller compares).
    virtual std::optional<domain::TimePoint> LockedUntil(const std::string& subject) = 0;
    /// Counts one failure and returns the failures within the window that began with the first of them.
    virtual std::uint32_t AddFailure(const std::string& subject, std::chrono::seconds window) = 0;
    /// Locks the subject until `until` and starts its failure count afresh.
    virtual void Lock(const std::string& subject, domain::TimePoint until) = 0;
    /// Forgets the subject's failures (after a successful login).
    virtual void Forget(const std::string& subject) = 0;
};

}  // namespace bulkmsg::app
