#pragma once

#include <string_view>

#include "domain/user_role.hpp"

namespace bulkmsg::domain {

/// The permission a request under /api/v1 needs: reads (GET, HEAD) and template previews need kRead; changes to suppressions kAdminister;
/// every other change (campaigns, targets, prepare, schedule, pause, resume, cancel) kEdit. `path` is the full
/// request path.
Permission RequiredPermission(std::string_view method, std::string_view path);

/// Whether the request method changes state (POST, PUT, PATCH, DELETE), and so needs a CSRF token in a session.
bool ChangesState(std::string_view method);

}  // namespace bulkmsg::domain
