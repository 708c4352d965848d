#pragma once

#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "adapters/mysql/sql_values.hpp"
#include "domain/channel.hpp"

namespace bulkmsg::mysql {

/// The one escaping helper: appends `value` to `out` as a quoted SQL string literal. MysqlConnection implements it
/// with the client library's escaping for the connection's character set and SQL mode.
class SqlEscaper {
public:
    virtual ~SqlEscaper() = default;
    virtual void AppendQuoted(std::string& out, std::string_view value) = 0;
};

/// A fixed word of the code (a status, a lock-free constant), bound as a quoted string without the escaper; it
/// must hold no quote or backslash (std::logic_error otherwise).
struct SqlWord {
    std::string_view text;
};

/// A range bound as a comma-separated list of literals, for `IN (?)` and multi-value clauses.
template <typename Range>
struct SqlList {
    const Range& items;
};
template <typename Range>
SqlList(const Range&) -> SqlList<Range>;

/// SQL text with values bound as literals: Add appends text in which each `?` stands for the next value. A
/// value is written by its type, so no caller builds a literal itself: integers as digits; strings, JSON (JsonText)
/// as quoted strings through the escaper; SqlWord and channels quoted as they are; time points as quoted DATETIME(6)
/// text (SqlTime); an empty optional as NULL; SqlList as its items' literals joined by commas. A statement without an
/// escaper takes every value but strings and JSON (which would throw std::logic_error). Placeholders and values that do
/// not pair up throw std::logic_error: a statement is built the same way on every call, so a test that runs it finds
/// that.
class SqlStatement {
public:
    explicit SqlStatement(SqlEscaper* escaper = nullptr, std::size_t reserve = 256) : escaper_(escaper) {
        text_.reserve(reserve);
    }

    template <typename... Values>
    SqlStatement& Add(std::string_view text, const Values&... values) {
        ((AppendUpToPlaceholder(text), Append(values)), ...);
        AppendRest(text);
        return *this;
    }

    /// Appends SQL that is no template: a fragment already built (its `?` may sit inside a bound string) or an
    /// identifier of the code.
    SqlStatement& Raw(std::string_view sql) {
        text_.append(sql);
        return *this;
    }

    const std::string& Text() const& { return text_; }
    std::string Text() && { return std::move(text_); }

private:
    void AppendUpToPlaceholder(std::string_view& text);
    void AppendRest(std::string_view text);
    void AppendString(std::string_view value);
    void AppendWord(std::string_view word);

    template <typename T>
    void Append(const T& value) {
        if constexpr (std::is_same_v<T, bool>) {
            text_ += value ? '1' : '0';
        } else if constexpr (std::is_integral_v<T>) {
            text_ += std::to_string(value);
        } else if constexpr (std::is_same_v<T, domain::TimePoint>) {
            text_ += '\'';
            text_ += SqlTime(value);
            text_ += '\'';
        } else if constexpr (std::is_same_v<T, domain::Channel>) {
            AppendWord(domain::ToString(value));
        } else if constexpr (std::is_same_v<T, SqlWord>) {
            AppendWord(value.text);
        } else if constexpr (std::is_same_v<T, nlohmann::json>) {
            AppendString(JsonText(value));
        } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
            AppendString(value);
        } else {
            AppendOther(value);
        }
    }

    template <typename T>
    void AppendOther(const std::optional<T>& value) {
        if (value) {
            Append(*value);
        } else {
            text_ += "NULL";
        }
    }

    template <typename Range>
    void AppendOther(const SqlList<Range>& list) {
        bool first = true;
        for (const auto& item : list.items) {
            if (!first) {
                text_ += ',';
            }
            first = false;
            Append(item);
        }
    }

    SqlEscaper* escaper_;
    std::string text_;
};

/// One statement: `text` with its `?` bound to `values` (see SqlStatement).
template <typename... Values>
std::string Sql(SqlEscaper& escaper, std::string_view text, const Values&... values) {
    return SqlStatement(&escaper, text.size() + 32 * sizeof...(values)).Add(text, values...).Text();
}

}  // namespace bulkmsg::mysql
