#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <unordered_map>

namespace bulkmsg::sim {

/// Faults the simulator injects, settable by flags and at run time (POST /_sim/faults).
struct Faults {
    std::chrono::milliseconds latency{0};   // added to every answer
    double error_rate = 0.0;                // share of requests answered with the provider's transient 5xx
    std::uint32_t rate_limit_burst = 0;     // the next N requests are answered 429
    std::uint32_t retry_after_seconds = 1;  // asked for in 429 and 503 answers
    double drop_rate = 0.0;                 // share of requests whose connection is closed without an answer
};

/// Applies a partial JSON update ({"latency_ms", "error_rate", "rate_limit_burst", "retry_after_seconds",
/// "drop_rate"}) to `faults`. Throws std::invalid_argument naming an unknown or out-of-range field.
void ApplyFaultPatch(Faults& faults, const nlohmann::json& patch);
nlohmann::json FaultsToJson(const Faults& faults);

enum class FaultAction { kNone, kTransient, kRateLimited, kDrop };

/// What the simulator has seen and the faults it injects; shared by all connections. Thread-safe.
class SimState {
public:
    explicit SimState(std::uint64_t seed, Faults faults = {});

    struct Decision {
        FaultAction action = FaultAction::kNone;
        std::chrono::milliseconds latency{0};
        std::uint32_t retry_after_seconds = 0;
    };
    /// Draws the fault for one request (consuming one unit of a 429 burst).
    Decision Decide();

    void SetFaults(const nlohmann::json& patch);
    Faults CurrentFaults() const;

    void RecordAccepted(const std::string& provider, const std::string& idempotency_key);
    void RecordRejected(const std::string& provider);
    void RecordFault(const std::string& provider);
    void RecordHttp2Connection();

    /// {"providers": {name: {accepted, rejected, faults}}, "accepted", "distinct_keys", "duplicates",
    ///  "http2_connections", "faults", "keys"?: {key: count}}.
    nlohmann::json Stats(bool with_keys) const;
    void Reset();

    /// FCM OAuth2 access tokens this simulator issued, with their expiry.
    std::string IssueAccessToken(std::chrono::system_clock::time_point expires_at);
    bool AccessTokenValid(const std::string& token, std::chrono::system_clock::time_point now) const;

private:
    struct Counts {
        std::uint64_t accepted = 0, rejected = 0, faults = 0;
    };
    mutable std::mutex mutex_;
    std::mt19937_64 random_;
    Faults faults_;
    std::map<std::string, Counts> providers_;
    std::unordered_map<std::string, std::uint32_t> keys_;
    std::uint64_t duplicates_ = 0;
    std::uint64_t http2_connections_ = 0;
    std::map<std::string, std::chrono::system_clock::time_point> tokens_;
};

}  // namespace bulkmsg::sim
