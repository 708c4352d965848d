#pragma once

#include <nlohmann/json.hpp>

#include "domain/message_renderer.hpp"
#include "domain/template_preview.hpp"

namespace bulkmsg::app {

/// Renders a campaign's templates for one sample recipient with the renderer preparation uses, so a preview
/// shows exactly the payload that would be stored and sent (senders, unsubscribe link and headers included; the
/// link names target 0, which no recipient has). Stateless and thread-safe.
class TemplatePreview {
public:
    TemplatePreview(domain::DefaultSenders senders, domain::UnsubscribeLinks links)
        : senders_(std::move(senders)), links_(std::move(links)) {}

    /// The channel payload as outbox.payload holds it (message_renderer.hpp).
    nlohmann::json Render(const domain::PreviewRequest& request) const;

private:
    domain::DefaultSenders senders_;
    domain::UnsubscribeLinks links_;
};

}  // namespace bulkmsg::app
