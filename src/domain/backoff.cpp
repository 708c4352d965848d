#include "domain/backoff.hpp"

#include <algorithm>

namespace bulkmsg::domain {

std::chrono::milliseconds ReconnectDelay(unsigned failures, double jitter, std::chrono::milliseconds initial,
                                         std::chrono::milliseconds cap) {
    if (failures == 0) {
        return std::chrono::milliseconds(0);
    }
    const unsigned shift = std::min(failures - 1, 20u);
    const auto delay = std::min(cap, std::chrono::milliseconds(initial.count() << shift));
    const double factor = 1.0 - 0.5 * std::clamp(jitter, 0.0, 0.999);
    return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * factor));
}

}  // namespace bulkmsg::domain
