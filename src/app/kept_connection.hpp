#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <string>

namespace bulkmsg::app {

/// Runs `read(connection)` on the connection kept in `kept`, which `open()` makes when there is none, and keeps it
/// for the next call. A kept connection whose read fails (the server restarted since, or closed it) is dropped and
/// the read runs once more on a new one, so only a failure on a fresh connection counts. Returns that failure's
/// message, or nothing when the read succeeded; after a failure `kept` is empty.
template <typename Connection, typename Open, typename Read>
std::optional<std::string> ReadWithKeptConnection(std::unique_ptr<Connection>& kept, Open open, Read read) {
    for (bool may_retry = kept != nullptr;; may_retry = false) {
        try {
            if (!kept) {
                kept = open();
            }
            read(*kept);
            return std::nullopt;
        } catch (const std::exception& e) {
            kept.reset();
            if (!may_retry) {
                return e.what();
            }
        }
    }
}

}  // namespace bulkmsg::app
