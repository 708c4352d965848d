#include "adapters/mysql/keyset_page.hpp"

namespace bulkmsg::mysql {

std::string KeysetPageSql(std::string_view columns, std::string_view table, std::string_view index,
                          const std::string& filter, std::uint64_t after_id, std::size_t limit) {
    return "SELECT " + std::string(columns) + " FROM " + std::string(table) + " FORCE INDEX (" + std::string(index) +
           ") WHERE " + filter + " AND id > " + std::to_string(after_id) + " ORDER BY id LIMIT " +
           std::to_string(limit);
}

}  // namespace bulkmsg::mysql
