#pragma once

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace bulkmsg::testing {

/// The JSON log lines in captured output whose `msg` is `message` (all JSON lines when `message` is empty).
inline std::vector<nlohmann::json> JsonLogLines(const std::string& output, const std::string& message = "") {
    std::vector<nlohmann::json> found;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        const auto json = nlohmann::json::parse(line, nullptr, false);
        if (json.is_object() && (message.empty() || json.value("msg", "") == message)) {
            found.push_back(json);
        }
    }
    return found;
}

}  // namespace bulkmsg::testing
