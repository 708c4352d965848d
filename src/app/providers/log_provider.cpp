#include "app/providers/log_provider.hpp"

#include "app/log.hpp"

namespace bulkmsg::app {

void LogProvider::Send(const domain::OutboundMessage& message, Done done) {
    Log(LogLevel::kInfo, "provider", "would send",
        {{"provider", "log"},
         {"channel", std::string(domain::ToString(message.kind))},
         {"outbox_id", message.outbox_id},
         {"campaign_id", message.campaign_id},
         {"user_ref", message.user_ref},
         {"payload", message.payload}});
    done(domain::Sent("log-" + std::to_string(message.outbox_id)));
}

}  // namespace bulkmsg::app
