#include "app/login_throttle.hpp"

#include <algorithm>

namespace bulkmsg::app {

namespace {

std::string AccountOf(const std::string& email) {
    return "account:" + email;
}

std::string AddressOf(const std::string& address) {
    return "ip:" + (address.empty() ? std::string("unknown") : address);
}

}  // namespace

LoginThrottle::LoginThrottle(LoginAttempts& attempts, Clock& clock, LoginLimits limits)
    : attempts_(attempts), clock_(clock), limits_(limits) {}

std::optional<std::chrono::seconds> LoginThrottle::Remaining(const std::string& subject, domain::TimePoint now) {
    const auto until = attempts_.LockedUntil(subject);
    if (!until || *until <= now) {
        return std::nullopt;
    }
    // Rounded up, so a client that waits Retry-After seconds finds the lock gone.
    return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(*until - now));
}

std::optional<std::chrono::seconds> LoginThrottle::RetryAfter(const std::string& email, const std::string& address) {
    const auto now = clock_.Now();
    const auto account = Remaining(AccountOf(email), now);
    const auto client = Remaining(AddressOf(address), now);
    if (account && client) {
        return std::max(*account, *client);
    }
    return account ? account : client;
}

void LoginThrottle::Count(const std::string& subject, std::uint32_t limit, domain::TimePoint now) {
    if (attempts_.AddFailure(subject, limits_.window) >= limit) {
        attempts_.Lock(subject, now + limits_.lock);
    }
}

void LoginThrottle::Failed(const std::string& email, const std::string& address) {
    const auto now = clock_.Now();
    Count(AccountOf(email), limits_.account_failures, now);
    Count(AddressOf(address), limits_.address_failures, now);
}

void LoginThrottle::Succeeded(const std::string& email) {
    attempts_.Forget(AccountOf(email));
}

}  // namespace bulkmsg::app
