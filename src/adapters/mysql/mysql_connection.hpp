#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/mysql/sql_row.hpp"
#include "adapters/mysql/sql_statement.hpp"
#include "app/dependency_error.hpp"
#include "domain/config.hpp"

struct st_mysql;
struct st_mysql_res;

namespace bulkmsg::mysql {

/// A MariaDB/MySQL error with the server's (or client library's) error number: an outage of the `database` when
/// the number says the server is unreachable, gone, shutting down or overloaded (IsOutageCode).
class MysqlError : public app::DependencyError {
public:
    MysqlError(unsigned code, const std::string& message);
    unsigned Code() const { return code_; }

private:
    unsigned code_;
};

/// Whether a MariaDB/MySQL error number means the server cannot be used right now, as opposed to a refused statement.
bool IsOutageCode(unsigned code);

/// One connection (not thread-safe), utf8mb4, session time zone UTC, with connect/read/write timeouts. Host `localhost`
/// makes Connector/C use the Unix socket; use 127.0.0.1 for TCP.
class MysqlConnection final : public SqlEscaper {
public:
    explicit MysqlConnection(const domain::DatabaseConfig& config, unsigned timeout_seconds = 10);
    ~MysqlConnection() override;
    MysqlConnection(const MysqlConnection&) = delete;
    MysqlConnection& operator=(const MysqlConnection&) = delete;

    /// True when the server still answers on this connection (a round trip; never throws).
    bool Alive();
    /// Runs a statement that returns no rows; returns the affected row count.
    std::uint64_t Execute(std::string_view sql);
    /// Execute for a statement that is its own transaction (autocommit): when the server picks it as a deadlock
    /// victim it was rolled back whole, so it runs again, up to `attempts` times in all.
    std::uint64_t ExecuteRetryingDeadlocks(std::string_view sql, int attempts = 5);
    /// Runs a query and returns all its rows (NULL as nullopt).
    std::vector<Row> Query(std::string_view sql);
    /// Runs a query and returns its rows with their column names and tables, to be read by name (SqlRow).
    SqlResult Select(std::string_view sql);
    /// Runs a query expected to return one value in one row.
    std::optional<std::string> QueryValue(std::string_view sql);
    /// The argument as a quoted SQL string literal, escaped for this connection's character set.
    std::string Quote(std::string_view value);
    /// SqlEscaper: appends the quoted literal, escaped for this connection's character set and SQL mode.
    void AppendQuoted(std::string& out, std::string_view value) override;

private:
    [[noreturn]] void Fail(std::string_view sql);
    /// Runs `sql` and returns its stored result (nullptr for a statement without one); the caller frees it.
    st_mysql_res* Run(std::string_view sql);
    static std::vector<Row> Rows(st_mysql_res* result);
    st_mysql* mysql_;
};

}  // namespace bulkmsg::mysql
