#include "api/template_routes.hpp"

#include "api/request.hpp"

namespace bulkmsg::api {

void AddTemplateRoutes(Router& router, const app::TemplatePreview& preview) {
    router.Add({"POST", "/templates/preview", [&preview](const RouteCall& call) {
                    std::vector<domain::FieldError> errors;
                    const auto request = domain::ParsePreviewRequest(JsonBody(call.request), errors);
                    if (!request) {
                        RejectFields("the preview request is not valid", errors);
                    }
                    return app::JsonResponse(200, {{"kind", domain::ToString(request->content.kind)},
                                                   {"payload", preview.Render(*request)}});
                }});
}

}  // namespace bulkmsg::api
