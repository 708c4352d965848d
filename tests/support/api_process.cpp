#include "support/api_process.hpp"

#include <stdexcept>

#include "support/raw_http.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg::testing {

ApiProcess::ApiProcess(std::map<std::string, std::string> env) : port(FreePort()) {
    env["EXPRESS_APP_PORT"] = std::to_string(port);
    const auto created = RunBulkmsg({"apikey", "create", "--name", "tests"}, env);
    if (created.exit_code != 0) {
        throw std::runtime_error("bulkmsg apikey create failed: " + created.output);
    }
    key = created.output.substr(created.output.rfind("bmk_"), 68);
    process = std::make_unique<ChildProcess>(std::vector<std::string>{BULKMSG_BINARY, "api"}, BulkmsgEnv(env),
                                             EmptyWorkDir());
    const auto live = [&] { return HttpGet(port, "/live").status == 200; };
    if (!WaitUntil(live, std::chrono::seconds(10), std::chrono::milliseconds(50))) {
        throw std::runtime_error("bulkmsg api did not start: " + process->OutputSoFar());
    }
}

}  // namespace bulkmsg::testing
