#pragma once

#include <map>
#include <string>

#include "app/http_types.hpp"
#include "domain/providers/provider_types.hpp"

/// Requests for calling the ProviderSimulator directly in unit tests, and reading the requests it sends.
namespace bulkmsg::testing {

inline app::HttpRequest Post(std::string path, std::string body, std::map<std::string, std::string> headers) {
    app::HttpRequest r;
    r.method = "POST";
    r.path = std::move(path);
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

/// The header `name` (exact spelling) of an outgoing request, "" when absent.
inline std::string RequestHeader(const domain::ProviderRequest& request, const std::string& name) {
    for (const auto& [key, value] : request.headers) {
        if (key == name) {
            return value;
        }
    }
    return "";
}

}  // namespace bulkmsg::testing
