#pragma once

#include <chrono>

namespace bulkmsg::domain {

/// Capped exponential backoff for reconnecting: initial * 2^(failures-1), at most `cap`.
/// `jitter` in [0, 1) scales the delay down by up to half, so restarting processes spread out.
std::chrono::milliseconds ReconnectDelay(unsigned failures, double jitter,
                                         std::chrono::milliseconds initial = std::chrono::milliseconds(200),
                                         std::chrono::milliseconds cap = std::chrono::milliseconds(30000));

}  // namespace bulkmsg::domain
