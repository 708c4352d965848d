#pragma once

#include "app/message_provider.hpp"

namespace bulkmsg::app {

/// The dry-run provider: logs what it would send (channel, recipient, payload) and reports it sent with the id
/// "log-<outbox id>". Completes inside Send.
class LogProvider final : public MessageProvider {
public:
    void Send(const domain::OutboundMessage& message, Done done) override;
    std::string_view Name() const override { return "log"; }
};

}  // namespace bulkmsg::app
