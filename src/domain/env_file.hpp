#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "domain/config.hpp"

namespace bulkmsg::domain {

/// A `.env` line that cannot be parsed; `Line()` is 1-based.
class EnvFileError : public std::runtime_error {
public:
    EnvFileError(int line, const std::string& problem);
    int Line() const { return line_; }

private:
    int line_;
};

/// Parses dotenv text: `KEY=value` lines, blank lines and `#` comments, an optional `export ` prefix,
/// values in double quotes (with \n \t \" \\ escapes) or single quotes (literal), and ` #` comments after
/// unquoted values. Later lines override earlier ones. Throws EnvFileError on a malformed line.
EnvVars ParseEnvFile(std::string_view text);

}  // namespace bulkmsg::domain
