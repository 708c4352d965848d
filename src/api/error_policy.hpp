#pragma once

#include <exception>

#include "app/http_types.hpp"

namespace bulkmsg::api {

/// The one error policy of the HTTP API (docs/errors.md): what a request that threw is answered with and what is
/// logged. api::BadRequest → its 4xx and code (not logged); app::BodyError (a streamed body over the limit,
/// malformed or stalled) → 413/400/408; app::DependencyError of a server that is down → 503 `unavailable` with
/// `details: [{"dependency": "database"|"broker"|"cache"}]` and Retry-After, logged as a warning at most once per
/// 10 s per dependency; anything else → 500 `internal`, logged as an error with the route. Thread-safe.
app::HttpResponse FailureResponse(std::exception_ptr failure, const app::HttpRequest& request);

/// Seconds a 503 asks the client to wait (Retry-After).
inline constexpr int kUnavailableRetrySeconds = 5;

}  // namespace bulkmsg::api
