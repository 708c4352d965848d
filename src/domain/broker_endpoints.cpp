#include <algorithm>
#include <charconv>

#include "domain/config.hpp"

namespace bulkmsg::domain {

namespace {

std::string Trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) {
        return "";
    }
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

BrokerEndpoint ParseEndpoint(const std::string& variable, const std::string& entry) {
    const auto colon = entry.rfind(':');
    const auto bad = [&](const std::string& why) {
        return ConfigError(variable, "entry '" + entry + "' " + why + " (expected host:port, comma-separated)");
    };
    if (colon == std::string::npos || colon == 0) {
        throw bad("has no host:port form");
    }
    const std::string host = entry.substr(0, colon);
    if (host.find_first_of(" \t:/,") != std::string::npos) {
        throw bad("has an invalid host");
    }
    const std::string port = entry.substr(colon + 1);
    unsigned parsed = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), parsed);
    if (ec != std::errc{} || end != port.data() + port.size() || parsed == 0 || parsed > 65535) {
        throw bad("has no port between 1 and 65535");
    }
    return {host, static_cast<std::uint16_t>(parsed)};
}

}  // namespace

std::vector<BrokerEndpoint> ParseBrokerEndpoints(const std::string& variable, const std::string& list) {
    std::vector<BrokerEndpoint> endpoints;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = std::min(list.find(',', start), list.size());
        const auto entry = Trimmed(list.substr(start, comma - start));
        if (entry.empty()) {
            throw ConfigError(variable, "has an empty entry in '" + list + "'");
        }
        auto endpoint = ParseEndpoint(variable, entry);
        if (std::find(endpoints.begin(), endpoints.end(), endpoint) != endpoints.end()) {
            throw ConfigError(variable, "lists " + endpoint.Name() + " twice");
        }
        endpoints.push_back(std::move(endpoint));
        start = comma + 1;
    }
    return endpoints;
}

}  // namespace bulkmsg::domain
