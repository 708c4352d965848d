#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "app/clock.hpp"
#include "app/login_attempts.hpp"

namespace bulkmsg::app {

/// How many wrong passwords lock what, and for how long.
struct LoginLimits {
    std::uint32_t account_failures = 10;  // per account within `window`
    std::uint32_t address_failures = 50;  // per client IP within `window`, whatever the accounts
    std::chrono::seconds window{15 * 60};
    std::chrono::seconds lock{15 * 60};
};

/// Login rate limiting: an account, or a client address, that gave too many wrong passwords within the window is
/// refused for `lock`, right password or not. Time comes from the injected clock. Thread-safe when the store is.
class LoginThrottle {
public:
    LoginThrottle(LoginAttempts& attempts, Clock& clock, LoginLimits limits = {});

    /// How long the caller must wait before `email` may try again from `address`, or nullopt when it may now.
    std::optional<std::chrono::seconds> RetryAfter(const std::string& email, const std::string& address);
    /// Records a wrong password; the failure that reaches a limit sets the lock.
    void Failed(const std::string& email, const std::string& address);
    /// Clears the account's failures (the address keeps its own).
    void Succeeded(const std::string& email);

private:
    std::optional<std::chrono::seconds> Remaining(const std::string& subject, domain::TimePoint now);
    void Count(const std::string& subject, std::uint32_t limit, domain::TimePoint now);

    LoginAttempts& attempts_;
    Clock& clock_;
    LoginLimits limits_;
};

}  // namespace bulkmsg::app
