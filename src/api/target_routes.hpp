#pragma once

#include <cstddef>

#include "api/router.hpp"
#include "app/target_upload.hpp"

namespace bulkmsg::api {

/// POST /campaigns/{id}/targets: a streamed upload (JSON array, NDJSON or CSV). At most `max_concurrent_uploads`
/// (1 … kMaxConcurrentUploads) run at once; another gets 429 too_many_uploads with Retry-After before its body is
/// read. An upload holds its server thread while it streams, so the server needs more threads than this for other
/// requests to be answered meanwhile.
void AddTargetRoutes(Router& router, app::TargetUploads& uploads, std::ptrdiff_t max_concurrent_uploads);

inline constexpr std::ptrdiff_t kMaxConcurrentUploads = 64;

}  // namespace bulkmsg::api
