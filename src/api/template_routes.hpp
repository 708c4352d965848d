#pragma once

#include "api/router.hpp"
#include "app/template_preview.hpp"

namespace bulkmsg::api {

/// POST /templates/preview: a campaign's templates rendered for a sample recipient (200 {kind, payload}), or 422
/// validation_failed with each problem, a template that does not parse with its line and column. Writes nothing.
void AddTemplateRoutes(Router& router, const app::TemplatePreview& preview);

}  // namespace bulkmsg::api
