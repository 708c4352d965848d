#include "api/error_policy.hpp"

#include <map>
#include <mutex>

#include "api/request.hpp"
#include "app/dependency_error.hpp"
#include "app/log.hpp"

namespace bulkmsg::api {

namespace {

constexpr std::chrono::milliseconds kWarningInterval{10'000};

void WarnUnavailable(const app::DependencyError& e, const app::HttpRequest& request) {
    static std::mutex mutex;
    static std::map<std::string, app::LogThrottle> throttles;
    std::uint64_t repeated = 0;
    {
        const std::lock_guard lock(mutex);
        auto& throttle = throttles.try_emplace(e.Dependency(), kWarningInterval).first->second;
        if (!throttle.Allow(std::chrono::system_clock::now(), repeated)) {
            return;
        }
    }
    app::Log(app::LogLevel::kWarn, "api", "dependency unavailable; answering 503",
             {{"dependency", e.Dependency()}, {"path", request.path}, {"error", e.what()}, {"repeated", repeated}});
}

app::HttpResponse Unavailable(const app::DependencyError& e, const app::HttpRequest& request) {
    WarnUnavailable(e, request);
    auto response = app::JsonError(503, "unavailable", "the " + e.Dependency() + " is unavailable; retry later",
                                   nlohmann::json::array({{{"dependency", e.Dependency()}}}));
    response.headers.emplace_back("Retry-After", std::to_string(kUnavailableRetrySeconds));
    return response;
}

app::HttpResponse Internal(const std::exception& e, const app::HttpRequest& request) {
    app::Log(app::LogLevel::kError, "api", "request failed",
             {{"method", request.method}, {"path", request.path}, {"error", e.what()}});
    return app::JsonError(500, "internal", "internal error");
}

}  // namespace

app::HttpResponse FailureResponse(std::exception_ptr failure, const app::HttpRequest& request) {
    try {
        std::rethrow_exception(failure);
    } catch (const BadRequest& e) {
        return app::JsonError(e.Status(), e.Code(), e.what(), e.Details());
    } catch (const app::BodyError& e) {
        return app::JsonError(e.Status(), e.Code(), e.what());
    } catch (const app::DependencyError& e) {
        return e.IsOutage() ? Unavailable(e, request) : Internal(e, request);
    } catch (const std::exception& e) {
        return Internal(e, request);
    } catch (...) {
        return Internal(std::runtime_error("a non-standard exception"), request);
    }
}

}  // namespace bulkmsg::api
