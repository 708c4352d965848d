#include "domain/config_reader.hpp"

#include <algorithm>
#include <charconv>
#include <map>

namespace bulkmsg::domain {

std::string ConfigReader::Text(const std::string& name) const {
    if (auto it = vars_.find(name); it != vars_.end()) {
        return it->second;
    }
    return DefaultValue(name);
}

std::string ConfigReader::Required(const std::string& name) const {
    auto value = Text(name);
    if (value.empty()) {
        throw ConfigError(name, "must not be empty");
    }
    return value;
}

std::uint16_t ConfigReader::Port(const std::string& name) const {
    auto value = Text(name);
    unsigned parsed = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (ec != std::errc{} || end != value.data() + value.size() || parsed == 0 || parsed > 65535) {
        throw ConfigError(name, "must be a port number between 1 and 65535, got '" + value + "'");
    }
    return static_cast<std::uint16_t>(parsed);
}

std::uint32_t ConfigReader::Integer(const std::string& name, std::uint32_t min, std::uint32_t max) const {
    auto value = Text(name);
    std::uint64_t parsed = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (ec != std::errc{} || end != value.data() + value.size() || parsed < min || parsed > max) {
        throw ConfigError(name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max) +
                                    ", got '" + value + "'");
    }
    return static_cast<std::uint32_t>(parsed);
}

std::uint32_t ConfigReader::Duration(const std::string& name, std::uint64_t min_seconds,
                                     std::uint64_t max_seconds) const {
    const auto value = Text(name);
    std::uint64_t amount = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), amount);
    const std::string unit(end, value.data() + value.size());
    const std::map<std::string, std::uint64_t> scale = {{"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86'400}};
    const auto factor = scale.find(unit);
    if (ec != std::errc{} || end == value.data() || factor == scale.end() || amount * factor->second < min_seconds ||
        amount > max_seconds || amount * factor->second > max_seconds) {
        throw ConfigError(name, "must be a duration such as 90s, 15m, 24h or 7d, between " +
                                    std::to_string(min_seconds) + " and " + std::to_string(max_seconds) +
                                    " seconds, got '" + value + "'");
    }
    return static_cast<std::uint32_t>(amount * factor->second);
}

std::string ConfigReader::Url(const std::string& name, bool optional) const {
    auto value = Text(name);
    if (value.empty() && optional) {
        return value;
    }
    if (!(value.starts_with("http://") || value.starts_with("https://")) || value.size() < 10 ||
        value.find_first_of(" \t\r\n") != std::string::npos) {
        throw ConfigError(name, "must be an http:// or https:// URL, got '" + value + "'");
    }
    while (value.ends_with("/")) {
        value.pop_back();
    }
    return value;
}

std::string ConfigReader::OneOf(const std::string& name, const std::vector<std::string>& allowed) const {
    auto value = Text(name);
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) {
            list += (list.empty() ? "" : ", ") + a;
        }
        throw ConfigError(name, "must be one of " + list + ", got '" + value + "'");
    }
    return value;
}

}  // namespace bulkmsg::domain
