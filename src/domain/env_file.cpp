#include "domain/env_file.hpp"

#include <cctype>

namespace bulkmsg::domain {

EnvFileError::EnvFileError(int line, const std::string& problem)
    : std::runtime_error("line " + std::to_string(line) + ": " + problem), line_(line) {}

namespace {

std::string_view Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return s;
}

bool IsValidKey(std::string_view key) {
    if (key.empty() || std::isdigit(static_cast<unsigned char>(key.front()))) {
        return false;
    }
    for (char c : key) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
            return false;
        }
    }
    return true;
}

char Unescape(char c) {
    switch (c) {
        case 'n': return '\n';
        case 't': return '\t';
        case 'r': return '\r';
        default: return c;
    }
}

// Parses a quoted value starting at raw[0] (the quote); the rest of the line may only hold a comment.
std::string ParseQuoted(std::string_view raw, int line) {
    const char quote = raw.front();
    std::string value;
    size_t i = 1;
    for (; i < raw.size() && raw[i] != quote; ++i) {
        if (quote == '"' && raw[i] == '\\' && i + 1 < raw.size()) {
            value += Unescape(raw[++i]);
        } else {
            value += raw[i];
        }
    }
    if (i >= raw.size()) {
        throw EnvFileError(line, "unterminated quoted value");
    }
    auto rest = Trim(raw.substr(i + 1));
    if (!rest.empty() && rest.front() != '#') {
        throw EnvFileError(line, "unexpected text after quoted value");
    }
    return value;
}

std::string ParseUnquoted(std::string_view raw) {
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(raw[i - 1])))) {
            return std::string(Trim(raw.substr(0, i)));
        }
    }
    return std::string(raw);
}

}  // namespace

EnvVars ParseEnvFile(std::string_view text) {
    EnvVars vars;
    int line_no = 0;
    while (!text.empty()) {
        ++line_no;
        auto eol = text.find('\n');
        auto line = Trim(text.substr(0, eol));
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (line.starts_with("export ")) {
            line = Trim(line.substr(7));
        }
        auto eq = line.find('=');
        if (eq == std::string_view::npos) {
            throw EnvFileError(line_no, "expected KEY=VALUE");
        }
        auto key = Trim(line.substr(0, eq));
        if (!IsValidKey(key)) {
            throw EnvFileError(line_no, "invalid variable name '" + std::string(key) + "'");
        }
        auto raw = Trim(line.substr(eq + 1));
        bool quoted = !raw.empty() && (raw.front() == '"' || raw.front() == '\'');
        vars[std::string(key)] = quoted ? ParseQuoted(raw, line_no) : ParseUnquoted(raw);
    }
    return vars;
}

}  // namespace bulkmsg::domain
