#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bulkmsg::mysql {

/// One page of a keyset pagination: `SELECT columns FROM table FORCE INDEX (index) WHERE filter AND id > after_id
/// ORDER BY id LIMIT limit`. `index` is the equality columns of `filter` followed by id (e.g. `(campaign_id, id)`),
/// so the page is a range read of exactly the rows it returns; or PRIMARY, a range from the cursor that tests
/// `filter` on each row (it also reads other rows with ids in between).
///
/// The hint is the point: left to itself MariaDB 10.11 reads such an index as `ref` on the equality columns
/// (it already yields id order) and tests `id > after_id` row by row from the first row of the campaign, so page k
/// reads k pages of rows and walking a 1,000,000-row campaign reads ~500 million (EXPLAIN type `ref`, key_len 8);
/// with the hint it is a `range` (key_len 16).
std::string KeysetPageSql(std::string_view columns, std::string_view table, std::string_view index,
                          const std::string& filter, std::uint64_t after_id, std::size_t limit);

}  // namespace bulkmsg::mysql
