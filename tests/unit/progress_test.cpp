#include "domain/progress.hpp"

#include <gtest/gtest.h>

namespace bulkmsg::domain {
namespace {

using namespace std::chrono_literals;

TEST(ProgressTest, RateAndEtaFromTwoSamples) {
    const TimePoint t0(std::chrono::seconds(1000));
    const auto estimate = EstimateProgress({t0, 1000}, {t0 + 10s, 6000}, 106000);
    EXPECT_DOUBLE_EQ(estimate.per_second, 500.0);
    EXPECT_EQ(estimate.eta_seconds, 200u);
}

TEST(ProgressTest, NoMovementMeansNoEtaUnlessDone) {
    const TimePoint t0(std::chrono::seconds(1000));
    EXPECT_FALSE(EstimateProgress({t0, 10}, {t0 + 5s, 10}, 100).eta_seconds);
    EXPECT_EQ(EstimateProgress({t0, 100}, {t0 + 5s, 100}, 100).eta_seconds, 0u);
    EXPECT_FALSE(EstimateProgress({t0, 0}, {t0, 0}, 100).eta_seconds);      // one sample only
    EXPECT_EQ(EstimateProgress({t0, 0}, {t0 + 1s, 3}, 2).eta_seconds, 0u);  // more done than targets
}

}  // namespace
}  // namespace bulkmsg::domain
