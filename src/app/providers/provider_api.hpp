#pragma once

#include <string_view>

#include "domain/outbox_row.hpp"
#include "domain/providers/provider_types.hpp"

namespace bulkmsg::app {

/// One provider's HTTP API: builds requests (with whatever credentials it needs) and classifies answers.
class ProviderApi {
public:
    virtual ~ProviderApi() = default;
    virtual std::string_view Name() const = 0;
    virtual domain::BuiltRequest Build(const domain::OutboundMessage& message, domain::TimePoint now) = 0;
    virtual domain::SendResult Classify(const domain::ProviderResponse& response, domain::TimePoint now) = 0;
    /// Called after an answer asking for fresh credentials (expired access or provider token).
    virtual void InvalidateCredentials(domain::TimePoint /*now*/) {}
};

}  // namespace bulkmsg::app
