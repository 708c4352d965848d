#include "adapters/mysql/mysql_connection.hpp"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "app/metrics/metrics.hpp"

namespace bulkmsg::mysql {

bool IsOutageCode(unsigned code) {
    switch (code) {
        case CR_CONNECTION_ERROR:
        case CR_CONN_HOST_ERROR:
        case CR_UNKNOWN_HOST:
        case CR_SERVER_GONE_ERROR:
        case CR_SERVER_LOST:
        case ER_CON_COUNT_ERROR:
        case ER_SERVER_SHUTDOWN:
        case ER_LOCK_WAIT_TIMEOUT:
        case ER_LOCK_DEADLOCK:
        case ER_CONNECTION_KILLED: return true;
        default: return false;
    }
}

MysqlError::MysqlError(unsigned code, const std::string& message)
    : app::DependencyError("database", message, IsOutageCode(code)), code_(code) {
    app::CountDependencyError("mysql");
}

MysqlConnection::MysqlConnection(const domain::DatabaseConfig& config, unsigned timeout_seconds)
    : mysql_(mysql_init(nullptr)) {
    if (mysql_ == nullptr) {
        throw MysqlError(0, "mysql_init failed: out of memory");
    }
    mysql_options(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout_seconds);
    mysql_options(mysql_, MYSQL_OPT_READ_TIMEOUT, &timeout_seconds);
    mysql_options(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &timeout_seconds);
    if (mysql_real_connect(mysql_, config.host.c_str(), config.username.c_str(), config.password.c_str(),
                           config.name.c_str(), config.port, nullptr, 0) == nullptr) {
        MysqlError error(mysql_errno(mysql_), "cannot connect to MySQL at " + config.host + ":" +
                                                  std::to_string(config.port) + ": " + mysql_error(mysql_));
        mysql_close(mysql_);
        throw error;
    }
    try {
        // Every bulkmsg timestamp is UTC, whatever the server's zone.
        Execute("SET time_zone = '+00:00'");
    } catch (const MysqlError&) {
        mysql_close(mysql_);  // the destructor does not run for a constructor that throws
        throw;
    }
    app::ProcessMetrics().db_connections.With({"in_use"}).Inc();
}

MysqlConnection::~MysqlConnection() {
    app::ProcessMetrics().db_connections.With({"in_use"}).Dec();
    mysql_close(mysql_);
}

void MysqlConnection::Fail(std::string_view sql) {
    constexpr size_t kShownSql = 120;
    std::string shown(sql.substr(0, kShownSql));
    throw MysqlError(mysql_errno(mysql_),
                     std::string(mysql_error(mysql_)) + " [in: " + shown + (sql.size() > kShownSql ? "...]" : "]"));
}

std::uint64_t MysqlConnection::Execute(std::string_view sql) {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
        Fail(sql);
    }
    if (MYSQL_RES* result = mysql_store_result(mysql_)) {
        mysql_free_result(result);
    }
    return mysql_affected_rows(mysql_);
}

std::uint64_t MysqlConnection::ExecuteRetryingDeadlocks(std::string_view sql, int attempts) {
    constexpr unsigned kDeadlock = 1213;  // ER_LOCK_DEADLOCK
    for (int attempt = 1;; ++attempt) {
        try {
            return Execute(sql);
        } catch (const MysqlError& e) {
            if (e.Code() != kDeadlock || attempt >= attempts) {
                throw;
            }
        }
    }
}

MYSQL_RES* MysqlConnection::Run(std::string_view sql) {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
        Fail(sql);
    }
    MYSQL_RES* result = mysql_store_result(mysql_);
    if (result == nullptr && mysql_field_count(mysql_) != 0) {
        Fail(sql);
    }
    return result;
}

std::vector<Row> MysqlConnection::Rows(MYSQL_RES* result) {
    std::vector<Row> rows;
    rows.reserve(mysql_num_rows(result));
    const unsigned fields = mysql_num_fields(result);
    while (MYSQL_ROW row = mysql_fetch_row(result)) {
        const unsigned long* lengths = mysql_fetch_lengths(result);
        Row out;
        out.reserve(fields);
        for (unsigned i = 0; i < fields; ++i) {
            out.push_back(row[i] == nullptr ? std::nullopt
                                            : std::optional<std::string>(std::string(row[i], lengths[i])));
        }
        rows.push_back(std::move(out));
    }
    return rows;
}

std::vector<Row> MysqlConnection::Query(std::string_view sql) {
    MYSQL_RES* result = Run(sql);
    if (result == nullptr) {
        return {};
    }
    auto rows = Rows(result);
    mysql_free_result(result);
    return rows;
}

SqlResult MysqlConnection::Select(std::string_view sql) {
    MYSQL_RES* result = Run(sql);
    if (result == nullptr) {
        return {{}, {}, {}};
    }
    std::vector<std::string> tables, columns;
    const unsigned count = mysql_num_fields(result);
    const MYSQL_FIELD* fields = mysql_fetch_fields(result);
    for (unsigned i = 0; i < count; ++i) {
        // The table's own name; an expression's column has none (SqlResult names it after the query's table).
        tables.emplace_back(fields[i].org_table, fields[i].org_table_length);
        columns.emplace_back(fields[i].name, fields[i].name_length);
    }
    auto rows = Rows(result);
    mysql_free_result(result);
    return {std::move(tables), std::move(columns), std::move(rows)};
}

std::optional<std::string> MysqlConnection::QueryValue(std::string_view sql) {
    auto rows = Query(sql);
    if (rows.empty() || rows.front().empty()) {
        return std::nullopt;
    }
    return rows.front().front();
}

bool MysqlConnection::Alive() {
    return mysql_ping(mysql_) == 0;
}

std::string MysqlConnection::Quote(std::string_view value) {
    std::string quoted;
    AppendQuoted(quoted, value);
    return quoted;
}

void MysqlConnection::AppendQuoted(std::string& out, std::string_view value) {
    const auto start = out.size();
    out.resize(start + value.size() * 2 + 3);
    out[start] = '\'';
    const auto length = mysql_real_escape_string(mysql_, out.data() + start + 1, value.data(),
                                                 static_cast<unsigned long>(value.size()));
    out[start + 1 + length] = '\'';
    out.resize(start + length + 2);
}

}  // namespace bulkmsg::mysql
