#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/config.hpp"

namespace bulkmsg::domain {

/// Reads configuration variables by name with their declared defaults, checking each value's form; every
/// failure is a ConfigError naming the variable (and the value). Used by the config_*.cpp section parsers.
class ConfigReader {
public:
    explicit ConfigReader(const EnvVars& vars) : vars_(vars) {}

    /// The value, or the variable's default when unset. A variable missing from ConfigVariables is a logic error.
    std::string Text(const std::string& name) const;
    std::string Required(const std::string& name) const;
    std::uint16_t Port(const std::string& name) const;
    std::uint32_t Integer(const std::string& name, std::uint32_t min, std::uint32_t max) const;
    /// Seconds, written as a number with an optional unit: s, m, h or d (e.g. 90, 15m, 24h).
    std::uint32_t Duration(const std::string& name, std::uint64_t min_seconds, std::uint64_t max_seconds) const;
    /// An http(s) URL without a trailing slash; empty only when `optional`.
    std::string Url(const std::string& name, bool optional = false) const;
    std::string OneOf(const std::string& name, const std::vector<std::string>& allowed) const;

private:
    const EnvVars& vars_;
};

}  // namespace bulkmsg::domain
