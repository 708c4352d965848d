#include "domain/access_policy.hpp"

namespace bulkmsg::domain {

bool ChangesState(std::string_view method) {
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

Permission RequiredPermission(std::string_view method, std::string_view path) {
    // A template preview is a POST that writes nothing: whoever may read campaigns may preview.
    if (!ChangesState(method) || path == "/api/v1/templates/preview") {
        return Permission::kRead;
    }
    constexpr std::string_view kSuppressions = "/api/v1/suppressions";
    const bool suppressions = path.substr(0, kSuppressions.size()) == kSuppressions &&
                              (path.size() == kSuppressions.size() || path[kSuppressions.size()] == '/');
    return suppressions ? Permission::kAdminister : Permission::kEdit;
}

}  // namespace bulkmsg::domain
