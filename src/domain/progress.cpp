#include "domain/progress.hpp"

#include <cmath>

namespace bulkmsg::domain {

ProgressEstimate EstimateProgress(const DoneSample& earlier, const DoneSample& now, std::uint64_t total) {
    const double seconds = std::chrono::duration<double>(now.at - earlier.at).count();
    ProgressEstimate estimate;
    if (seconds <= 0 || now.done <= earlier.done) {
        if (now.done >= total) {
            estimate.eta_seconds = 0;
        }
        return estimate;
    }
    estimate.per_second = static_cast<double>(now.done - earlier.done) / seconds;
    const auto left = total > now.done ? total - now.done : 0;
    estimate.eta_seconds = static_cast<std::uint64_t>(std::ceil(static_cast<double>(left) / estimate.per_second));
    return estimate;
}

}  // namespace bulkmsg::domain
