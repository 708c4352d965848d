#pragma once

#include "api/router.hpp"
#include "app/feedback_ingest.hpp"

namespace bulkmsg::api {

/// GET /messages/{id}/events: one outbox row's provider feedback, oldest first (at most 1,000 events).
void AddMessageRoutes(Router& router, app::FeedbackIngest& feedback);

}  // namespace bulkmsg::api
