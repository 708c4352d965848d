#pragma once

#include <stdexcept>
#include <string>

namespace bulkmsg::app {

/// A failure of a server bulkmsg depends on, thrown by the adapters. `Dependency()` names it as the API's 503
/// answers do (`database`, `broker`, `cache`); `IsOutage()` tells a server that is down or unreachable (the
/// request may succeed later: 503) from a failure that retrying will not mend (a refused statement: 500).
class DependencyError : public std::runtime_error {
public:
    DependencyError(std::string dependency, const std::string& message, bool outage)
        : std::runtime_error(message), dependency_(std::move(dependency)), outage_(outage) {}
    const std::string& Dependency() const { return dependency_; }
    bool IsOutage() const { return outage_; }

private:
    std::string dependency_;
    bool outage_;
};

}  // namespace bulkmsg::app
