#include "adapters/mysql/keyset_page.hpp"

#include "adapters/mysql/sql_statement.hpp"

namespace bulkmsg::mysql {

std::string KeysetPageSql(std::string_view columns, std::string_view table, std::string_view index,
                          const std::string& filter, std::uint64_t after_id, std::size_t limit) {
    return std::move(SqlStatement()
                         .Add("SELECT ")
                         .Raw(columns)
                         .Add(" FROM ")
                         .Raw(table)
                         .Add(" FORCE INDEX (")
                         .Raw(index)
                         .Add(") WHERE ")
                         .Raw(filter)
                         .Add(" AND id > ? ORDER BY id LIMIT ?", after_id, limit))
        .Text();
}

}  // namespace bulkmsg::mysql
