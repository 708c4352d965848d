#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/http_types.hpp"
#include "domain/target.hpp"

namespace bulkmsg::api {

/// Thrown by the parsing helpers for a request that cannot be understood; the error policy answers it with
/// `status` and {"error": {code, message, details}}.
class BadRequest : public std::runtime_error {
public:
    BadRequest(unsigned status, std::string code, const std::string& message,
               nlohmann::json details = nlohmann::json::array())
        : std::runtime_error(message), status_(status), code_(std::move(code)), details_(std::move(details)) {}
    unsigned Status() const { return status_; }
    const std::string& Code() const { return code_; }
    const nlohmann::json& Details() const { return details_; }

private:
    unsigned status_;
    std::string code_;
    nlohmann::json details_;
};

/// 404 not_found for a campaign id that names none.
app::HttpResponse CampaignNotFound(std::uint64_t id);

/// Field errors as the error body's details: [{"field", "reason", "line"?, "column"?}, …].
nlohmann::json Details(const std::vector<domain::FieldError>& errors);

/// 422 validation_failed with the field errors.
[[noreturn]] void RejectFields(const std::string& message, const std::vector<domain::FieldError>& errors);

/// Strictly a positive decimal id that fits in 62 bits.
std::optional<std::uint64_t> ParseId(std::string_view text);

/// The query string's parameters, percent-decoded ('+' stays '+': E.164 numbers start with it). A query that is
/// not valid RFC 3986 is a 400 invalid_query.
std::map<std::string, std::string> QueryParams(const std::string& query);

/// The body as JSON: 415 unless sent as application/json, 400 invalid_json when it does not parse.
nlohmann::json JsonBody(const app::HttpRequest& request);

/// The body as a JSON object whose keys are all in `allowed`; a key that is not is a field error "unknown field".
nlohmann::json JsonObjectBody(const app::HttpRequest& request, const std::vector<std::string>& allowed,
                              std::vector<domain::FieldError>& errors);

/// A header's value ("" when absent); names are lower-case.
std::string Header(const app::HttpRequest& request, const std::string& name);

/// The request's W3C traceparent (the server's span when tracing wraps the API), or "".
std::string TraceOf(const app::HttpRequest& request);

/// cursor and limit of a list route (400 invalid_query when not valid).
struct PageQuery {
    std::uint64_t cursor = 0;
    std::size_t limit = 0;
};
PageQuery ParsePage(const std::map<std::string, std::string>& query, std::size_t default_limit, std::size_t max_limit);

/// 400 invalid_query when a list without a status filter is given one.
void NoStatusFilter(const std::map<std::string, std::string>& query);

/// The `name` parameter parsed by `parse` (an enum's Parse); 400 invalid_query listing `allowed` when it does not.
template <typename Value, typename Parse, typename Names>
std::optional<Value> ParseFilter(const std::map<std::string, std::string>& query, const std::string& name, Parse parse,
                                 const Names& allowed) {
    const auto it = query.find(name);
    if (it == query.end()) {
        return std::nullopt;
    }
    if (const auto value = parse(it->second)) {
        return *value;
    }
    std::string list;
    for (const auto& value : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(ToString(value));
    }
    throw BadRequest(400, "invalid_query", name + " must be one of " + list);
}

/// A page of a list route: the first `limit` rows as JSON and, when the store returned one more (callers ask for
/// limit + 1), the id of the last shown row as next_cursor.
template <typename Row, typename ToJson>
app::HttpResponse PageOf(const std::vector<Row>& rows, std::size_t limit, ToJson to_json) {
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i = 0; i < std::min(limit, rows.size()); ++i) {
        items.push_back(to_json(rows[i]));
    }
    const auto next = rows.size() > limit ? nlohmann::json(std::to_string(rows[limit - 1].id)) : nlohmann::json();
    return app::JsonResponse(200, {{"items", items}, {"next_cursor", next}});
}

}  // namespace bulkmsg::api
