#pragma once

#include <cstdint>
#include <optional>

#include "domain/outbox_row.hpp"

namespace bulkmsg::domain {

/// A campaign's count of finished messages (sent, failed, cancelled, suppressed) at one moment.
struct DoneSample {
    TimePoint at;
    std::uint64_t done = 0;
};

struct ProgressEstimate {
    double per_second = 0;                     // finished messages per second between the two samples
    std::optional<std::uint64_t> eta_seconds;  // until `total` are finished; none when nothing moves
};

/// Rate from an earlier sample to now, and the time left for the rest of `total` at that rate.
ProgressEstimate EstimateProgress(const DoneSample& earlier, const DoneSample& now, std::uint64_t total);

}  // namespace bulkmsg::domain
