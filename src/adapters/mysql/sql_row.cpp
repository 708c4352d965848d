#include "adapters/mysql/sql_row.hpp"

#include <algorithm>

#include "adapters/mysql/sql_values.hpp"

namespace bulkmsg::mysql {

namespace {

/// The value as shown in an error: quoted, cut after 60 characters.
std::string Shown(const std::string& value) {
    constexpr std::size_t kShown = 60;
    return "'" + value.substr(0, kShown) + (value.size() > kShown ? "...'" : "'");
}

}  // namespace

SqlDataError::SqlDataError(std::string table, std::string column, const std::string& problem)
    : std::runtime_error("unreadable value in " + table + "." + column + ": " + problem),
      table_(std::move(table)),
      column_(std::move(column)) {}

SqlResult::SqlResult(std::vector<std::string> tables, std::vector<std::string> columns, std::vector<Row> rows)
    : tables_(std::move(tables)), columns_(std::move(columns)), rows_(std::move(rows)) {
    // An expression's column has no table of its own; it is named after the query's first table.
    const auto named = std::find_if(tables_.begin(), tables_.end(), [](const auto& t) { return !t.empty(); });
    if (named != tables_.end()) {
        std::replace(tables_.begin(), tables_.end(), std::string(), std::string(*named));
    }
}

SqlColumn SqlResult::Column(std::string_view name) const {
    const auto it = std::find(columns_.begin(), columns_.end(), name);
    if (it == columns_.end()) {
        throw std::logic_error("the query has no column " + std::string(name));
    }
    return SqlColumn(static_cast<std::size_t>(it - columns_.begin()));
}

std::string SqlResult::Name(SqlColumn column) const {
    return Table(column) + "." + ColumnName(column);
}

const std::optional<std::string>& SqlRow::Cell(SqlColumn column) const {
    return (*cells_)[column.Index()];
}

void SqlRow::Fail(SqlColumn column, const std::string& problem) const {
    throw SqlDataError(result_->Table(column), result_->ColumnName(column), problem);
}

const std::string& SqlRow::Required(SqlColumn column) const {
    const auto& cell = Cell(column);
    if (!cell) {
        Fail(column, "NULL where a value is required");
    }
    return *cell;
}

template <typename Parse>
auto SqlRow::Parsed(SqlColumn column, Parse parse, std::string_view what) const {
    const auto& text = Required(column);
    auto value = parse(text);
    if (!value) {
        Fail(column, Shown(text) + " is not " + std::string(what));
    }
    return *value;
}

std::string SqlRow::Text(SqlColumn column) const {
    return Required(column);
}

std::optional<std::string> SqlRow::OptionalText(SqlColumn column) const {
    return Cell(column);
}

std::uint64_t SqlRow::UInt(SqlColumn column) const {
    return Parsed(column, ParseSqlUInt, "an unsigned integer");
}

bool SqlRow::Bool(SqlColumn column) const {
    const auto& text = Required(column);
    if (text != "0" && text != "1") {
        Fail(column, Shown(text) + " is not 0 or 1");
    }
    return text == "1";
}

domain::TimePoint SqlRow::Time(SqlColumn column) const {
    return Parsed(column, ParseSqlTime, "a time (YYYY-MM-DD HH:MM:SS[.ffffff])");
}

std::optional<domain::TimePoint> SqlRow::OptionalTime(SqlColumn column) const {
    return Cell(column) ? std::optional(Time(column)) : std::nullopt;
}

domain::Channel SqlRow::Channel(SqlColumn column) const {
    return Parsed(column, domain::ParseChannel, "a channel (email, sms, push)");
}

domain::CampaignStatus SqlRow::CampaignStatusOf(SqlColumn column) const {
    return Parsed(column, domain::ParseCampaignStatus, "a campaign status");
}

domain::OutboxStatus SqlRow::OutboxStatusOf(SqlColumn column) const {
    return Parsed(column, domain::ParseOutboxStatus, "an outbox status");
}

std::string SqlRow::Status(SqlColumn column) const {
    const auto& text = Required(column);
    if (text.empty()) {
        Fail(column, "'' is not a status");
    }
    return text;
}

nlohmann::json SqlRow::Json(SqlColumn column) const {
    Required(column);
    return *OptionalJson(column);
}

nlohmann::json SqlRow::JsonObject(SqlColumn column) const {
    auto json = OptionalJson(column);
    if (!json) {
        return nlohmann::json::object();
    }
    if (!json->is_object()) {
        Fail(column, Shown(*Cell(column)) + " is not a JSON object");
    }
    return std::move(*json);
}

std::optional<nlohmann::json> SqlRow::OptionalJson(SqlColumn column) const {
    const auto& cell = Cell(column);
    if (!cell) {
        return std::nullopt;
    }
    auto json = nlohmann::json::parse(*cell, nullptr, false);
    if (json.is_discarded()) {
        Fail(column, Shown(*cell) + " is not JSON");
    }
    return json;
}

std::optional<domain::SendWindow> SqlRow::OptionalSendWindow(SqlColumn column) const {
    const auto json = OptionalJson(column);
    if (!json) {
        return std::nullopt;
    }
    std::vector<domain::FieldError> errors;
    auto window = domain::ParseSendWindow(*json, errors);
    if (!window) {
        Fail(column, Shown(*Cell(column)) + " is not a send window" +
                         (errors.empty() ? std::string() : ": " + errors.front().reason));
    }
    return window;
}

}  // namespace bulkmsg::mysql
