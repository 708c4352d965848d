#pragma once

#include "app/http_types.hpp"

namespace bulkmsg::api {

/// Wraps a handler: counts every answer in bulkmsg_http_requests_total{code} and runs API requests (paths under
/// /api/) in a SERVER span that continues the request's `traceparent` header (or starts a trace). The wrapped
/// handler sees that span as the request's `traceparent`, so what it stores continues the trace.
app::HttpHandler ObservedHandler(app::HttpHandler inner);

}  // namespace bulkmsg::api
