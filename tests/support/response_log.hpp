#pragma once

#include <string>

#include "support/raw_http.hpp"

namespace bulkmsg::testing {

/// When the environment variable BULKMSG_RESPONSE_LOG names a file, appends one JSON line
/// {method, path, status, content_type, body} for this response to it; otherwise does nothing.
/// tools/npm/validate-responses.mjs then checks each line against api/openapi.yaml (ctest runs the API tests with
/// the variable set and the check after them). Safe from any thread and from several test processes at once:
/// each line is one write to a file opened for appending, under an exclusive lock of the file.
void RecordResponse(const std::string& method, const std::string& path, const RawHttpResponse& response);

}  // namespace bulkmsg::testing
