#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/target.hpp"

namespace bulkmsg::domain {

/// How interpolated values are written: HTML-escaped (`{{x}}` in HTML bodies) or as they are (plain text,
/// SMS, push). `{{{x}}}` and `{{&x}}` are never escaped.
enum class Escaping { kHtml, kNone };

/// A parsed Mustache template (kainjow mustache). Parse once, render many times. Not thread-safe (the
/// library keeps render state in the template): parse one per thread.
class MustacheTemplate {
public:
    /// Parses `source`; returns nullopt and sets `error` (the parser's message) when it does not parse.
    static std::optional<MustacheTemplate> Parse(const std::string& source, Escaping escaping, std::string& error);
    ~MustacheTemplate();
    MustacheTemplate(MustacheTemplate&&) noexcept;
    MustacheTemplate& operator=(MustacheTemplate&&) noexcept;

    /// Renders against `context` (a JSON object; numbers print as JSON does, null and missing names render
    /// empty). `partials` name other templates for `{{> name}}`.
    std::string Render(const nlohmann::json& context, const std::map<std::string, std::string>& partials = {});

private:
    struct Compiled;
    explicit MustacheTemplate(std::unique_ptr<Compiled> compiled);
    std::unique_ptr<Compiled> compiled_;
};

/// Where a parse error of MustacheTemplate::Parse lies in `source`: the parser ends its messages with "at <byte
/// offset>" ("Unclosed tag at 12"); nullopt when the message names no offset inside `source`.
std::optional<TextPosition> ErrorPosition(std::string_view source, std::string_view error);

}  // namespace bulkmsg::domain
