#pragma once

#include "api/router.hpp"
#include "app/suppression_service.hpp"

namespace bulkmsg::api {

/// /suppressions: list (by channel), add (or update the reason), remove by channel and address.
void AddSuppressionRoutes(Router& router, app::SuppressionService& suppressions);

}  // namespace bulkmsg::api
