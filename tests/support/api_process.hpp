#pragma once

#include <map>
#include <memory>
#include <string>

#include "support/process.hpp"

namespace bulkmsg::testing {

/// A `bulkmsg api` process on a free port with an API key of its own (`bulkmsg apikey create`), started with the
/// test environment plus `env` (which must name DB_NAME) and answering /live. Throws std::runtime_error with the
/// process's output when it does not start within 10 s.
struct ApiProcess {
    explicit ApiProcess(std::map<std::string, std::string> env);

    unsigned short port = 0;
    std::string key;
    std::unique_ptr<ChildProcess> process;
};

}  // namespace bulkmsg::testing
