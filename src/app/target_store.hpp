#pragma once

#include <cstdint>
#include <vector>

#include "domain/target.hpp"

namespace bulkmsg::app {

struct TargetInsertResult {
    std::uint64_t accepted = 0;
    std::uint64_t duplicates = 0;  // same user_ref and kind already in the campaign
};

/// A campaign's recipients (port). Thread-safe: uploads write batches from several threads.
class TargetStore {
public:
    virtual ~TargetStore() = default;
    /// Inserts targets, skipping (and counting) ones already in the campaign; one transaction.
    virtual TargetInsertResult InsertTargets(std::uint64_t campaign_id, const std::vector<domain::Target>& targets) = 0;
};

}  // namespace bulkmsg::app
