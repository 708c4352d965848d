#pragma once

#include <string_view>
#include <vector>

namespace bulkmsg::api {

/// One file of the dashboard as compiled into the binary (cmake/EmbedDashboard.cmake writes the table).
struct DashboardAsset {
    std::string_view path;          // the URL path it is served at ("/" for the page)
    std::string_view content_type;  // with charset for text
    std::string_view etag;          // quoted, from the SHA-256 of `body`
    std::string_view body;
    std::string_view gzip_body;  // `body` gzipped at build time
};

/// Every embedded file, in the order web/ lists them.
const std::vector<DashboardAsset>& DashboardAssets();

}  // namespace bulkmsg::api
