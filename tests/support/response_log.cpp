#include "support/response_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace bulkmsg::testing {

void RecordResponse(const std::string& method, const std::string& path, const RawHttpResponse& response) {
    const char* file = std::getenv("BULKMSG_RESPONSE_LOG");
    if (file == nullptr || *file == '\0') {
        return;
    }
    const nlohmann::json entry = {{"method", method},
                                  {"path", path},
                                  {"status", response.status},
                                  {"content_type", response.content_type},
                                  {"body", response.body}};
    const auto line = entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    const int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    // A response that cannot be recorded would go unchecked: stop the test run rather than lose it.
    if (fd < 0) {
        throw std::runtime_error(std::string("cannot open BULKMSG_RESPONSE_LOG ") + file + ": " + std::strerror(errno));
    }
    flock(fd, LOCK_EX);
    std::size_t written = 0;
    while (written < line.size()) {
        const auto n = write(fd, line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        written += static_cast<std::size_t>(n);
    }
    close(fd);  // also releases the lock
    if (written != line.size()) {
        throw std::runtime_error(std::string("cannot append to BULKMSG_RESPONSE_LOG ") + file);
    }
}

}  // namespace bulkmsg::testing
