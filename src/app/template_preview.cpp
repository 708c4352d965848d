#include "app/template_preview.hpp"

namespace bulkmsg::app {

nlohmann::json TemplatePreview::Render(const domain::PreviewRequest& request) const {
    domain::MessageRenderer renderer(request.content, senders_, links_);
    return nlohmann::json::parse(renderer.Payload(request.sample, 0));
}

}  // namespace bulkmsg::app
