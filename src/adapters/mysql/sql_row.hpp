#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/campaign_status.hpp"
#include "domain/channel.hpp"
#include "domain/outbox_row.hpp"
#include "domain/outbox_status.hpp"
#include "domain/send_window.hpp"

namespace bulkmsg::mysql {

/// A value read back from the database that bulkmsg cannot use (NULL where one is required, text that is not a
/// number, time, channel, status or JSON object): the stored data is wrong, so the read fails instead of
/// inventing a default. The message names the table and column.
class SqlDataError : public std::runtime_error {
public:
    SqlDataError(std::string table, std::string column, const std::string& problem);
    const std::string& Table() const { return table_; }
    const std::string& Column() const { return column_; }

private:
    std::string table_;
    std::string column_;
};

/// A row's cells as the server sent them, NULL as nullopt.
using Row = std::vector<std::optional<std::string>>;

/// A column of one SqlResult, found by name once per result (SqlResult::Column), read by index in every row.
class SqlColumn {
public:
    std::size_t Index() const { return index_; }

private:
    friend class SqlResult;
    explicit SqlColumn(std::size_t index) : index_(index) {}
    std::size_t index_;
};

class SqlResult;

/// One row of a SqlResult with typed getters. Each getter throws SqlDataError for NULL (the Optional… ones
/// return nullopt instead) and for a value its type cannot read.
class SqlRow {
public:
    SqlRow(const SqlResult& result, const Row& cells) : result_(&result), cells_(&cells) {}

    std::string Text(SqlColumn column) const;
    std::optional<std::string> OptionalText(SqlColumn column) const;
    std::uint64_t UInt(SqlColumn column) const;
    /// A boolean expression's value, 0 or 1.
    bool Bool(SqlColumn column) const;
    domain::TimePoint Time(SqlColumn column) const;
    std::optional<domain::TimePoint> OptionalTime(SqlColumn column) const;
    domain::Channel Channel(SqlColumn column) const;
    domain::CampaignStatus CampaignStatusOf(SqlColumn column) const;
    domain::OutboxStatus OutboxStatusOf(SqlColumn column) const;
    /// A status column (an ENUM) as its text; '' is the value an ENUM column holds after an invalid write.
    std::string Status(SqlColumn column) const;
    /// Any JSON value.
    nlohmann::json Json(SqlColumn column) const;
    /// A JSON object; NULL is the empty object.
    nlohmann::json JsonObject(SqlColumn column) const;
    /// Any JSON value; NULL is nullopt.
    std::optional<nlohmann::json> OptionalJson(SqlColumn column) const;
    /// A send window stored as JSON (domain::SendWindowJson); NULL is nullopt.
    std::optional<domain::SendWindow> OptionalSendWindow(SqlColumn column) const;

private:
    const std::optional<std::string>& Cell(SqlColumn column) const;
    const std::string& Required(SqlColumn column) const;
    /// `parse` of the required value; SqlDataError saying the value "is not <what>" when it gives nullopt.
    template <typename Parse>
    auto Parsed(SqlColumn column, Parse parse, std::string_view what) const;
    [[noreturn]] void Fail(SqlColumn column, const std::string& problem) const;

    const SqlResult* result_;
    const Row* cells_;
};

/// The rows of a query with the names of its columns and the tables they come from (for errors).
class SqlResult {
public:
    SqlResult(std::vector<std::string> tables, std::vector<std::string> columns, std::vector<Row> rows);

    /// The column called `name` (its alias, when the query gives one); std::logic_error when there is none, a
    /// query and the code reading it that do not match.
    SqlColumn Column(std::string_view name) const;
    /// "table.column" of `column`, for messages.
    std::string Name(SqlColumn column) const;
    const std::string& Table(SqlColumn column) const { return tables_[column.Index()]; }
    const std::string& ColumnName(SqlColumn column) const { return columns_[column.Index()]; }

    std::size_t size() const { return rows_.size(); }
    bool empty() const { return rows_.empty(); }
    SqlRow operator[](std::size_t i) const { return {*this, rows_[i]}; }

    class Iterator {
    public:
        Iterator(const SqlResult& result, std::vector<Row>::const_iterator at) : result_(&result), at_(at) {}
        SqlRow operator*() const { return {*result_, *at_}; }
        Iterator& operator++() {
            ++at_;
            return *this;
        }
        bool operator==(const Iterator& other) const { return at_ == other.at_; }

    private:
        const SqlResult* result_;
        std::vector<Row>::const_iterator at_;
    };
    Iterator begin() const { return {*this, rows_.begin()}; }
    Iterator end() const { return {*this, rows_.end()}; }

private:
    std::vector<std::string> tables_;
    std::vector<std::string> columns_;
    std::vector<Row> rows_;
};

}  // namespace bulkmsg::mysql
