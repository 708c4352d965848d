#include "api/request.hpp"

#include <boost/url/parse_query.hpp>
#include <charconv>

#include "domain/traceparent.hpp"

namespace bulkmsg::api {

app::HttpResponse CampaignNotFound(std::uint64_t id) {
    return app::JsonError(404, "not_found", "campaign " + std::to_string(id) + " does not exist");
}

nlohmann::json Details(const std::vector<domain::FieldError>& errors) {
    nlohmann::json details = nlohmann::json::array();
    for (const auto& e : errors) {
        details.push_back({{"field", e.field}, {"reason", e.reason}});
        if (e.at) {
            details.back()["line"] = e.at->line;
            details.back()["column"] = e.at->column;
        }
    }
    return details;
}

void RejectFields(const std::string& message, const std::vector<domain::FieldError>& errors) {
    throw BadRequest(422, "validation_failed", message, Details(errors));
}

std::optional<std::uint64_t> ParseId(std::string_view text) {
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || end != text.data() + text.size() || id == 0 || id > (1ULL << 62) || text[0] == '+') {
        return std::nullopt;
    }
    return id;
}

std::map<std::string, std::string> QueryParams(const std::string& query) {
    const auto encoded = boost::urls::parse_query(query);
    if (!encoded) {
        throw BadRequest(400, "invalid_query", "the query string is not valid: " + encoded.error().message());
    }
    std::map<std::string, std::string> params;
    // encoding_opts{} keeps '+' as it is instead of reading it as a space.
    for (const auto& param : *encoded) {
        params[param.key.decode(boost::urls::encoding_opts{})] =
            param.has_value ? param.value.decode(boost::urls::encoding_opts{}) : "";
    }
    return params;
}

std::string Header(const app::HttpRequest& request, const std::string& name) {
    const auto it = request.headers.find(name);
    return it == request.headers.end() ? "" : it->second;
}

nlohmann::json JsonBody(const app::HttpRequest& request) {
    if (Header(request, "content-type").rfind("application/json", 0) != 0) {
        throw BadRequest(415, "unsupported_media_type", "send the body as application/json");
    }
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
        throw BadRequest(400, "invalid_json", "the request body is not valid JSON");
    }
    return body;
}

nlohmann::json JsonObjectBody(const app::HttpRequest& request, const std::vector<std::string>& allowed,
                              std::vector<domain::FieldError>& errors) {
    auto body = JsonBody(request);
    if (!body.is_object()) {
        errors.push_back({"body", "must be a JSON object"});
        return nlohmann::json::object();
    }
    for (const auto& [key, value] : body.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            errors.push_back({key, "unknown field"});
        }
    }
    return body;
}

std::string TraceOf(const app::HttpRequest& request) {
    const auto trace = Header(request, "traceparent");
    return domain::IsValidTraceparent(trace) ? trace : "";
}

PageQuery ParsePage(const std::map<std::string, std::string>& query, std::size_t default_limit, std::size_t max_limit) {
    PageQuery page{0, default_limit};
    if (auto it = query.find("cursor"); it != query.end()) {
        const auto cursor = ParseId(it->second);
        if (!cursor) {
            throw BadRequest(400, "invalid_query", "cursor must be a value returned as next_cursor");
        }
        page.cursor = *cursor;
    }
    if (auto it = query.find("limit"); it != query.end()) {
        const auto limit = ParseId(it->second);
        if (!limit || *limit > max_limit) {
            throw BadRequest(400, "invalid_query", "limit must be an integer from 1 to " + std::to_string(max_limit));
        }
        page.limit = static_cast<std::size_t>(*limit);
    }
    return page;
}

void NoStatusFilter(const std::map<std::string, std::string>& query) {
    if (query.count("status")) {
        throw BadRequest(400, "invalid_query", "this list has no status filter");
    }
}

}  // namespace bulkmsg::api
