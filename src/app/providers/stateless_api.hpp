#pragma once

#include <functional>
#include <string>

#include "app/providers/provider_api.hpp"

namespace bulkmsg::app {

/// An API whose requests need no renewable credentials (SendGrid's API key, Twilio's Basic auth): a name, a request
/// builder and a classifier.
class StatelessApi final : public ProviderApi {
public:
    using BuildFn = std::function<domain::ProviderRequest(const domain::OutboundMessage&)>;
    using ClassifyFn = std::function<domain::SendResult(const domain::ProviderResponse&, domain::TimePoint)>;

    StatelessApi(std::string name, BuildFn build, ClassifyFn classify)
        : name_(std::move(name)), build_(std::move(build)), classify_(std::move(classify)) {}

    std::string_view Name() const override { return name_; }
    domain::BuiltRequest Build(const domain::OutboundMessage& message, domain::TimePoint) override {
        return build_(message);
    }
    domain::SendResult Classify(const domain::ProviderResponse& response, domain::TimePoint now) override {
        return classify_(response, now);
    }

private:
    std::string name_;
    BuildFn build_;
    ClassifyFn classify_;
};

}  // namespace bulkmsg::app
