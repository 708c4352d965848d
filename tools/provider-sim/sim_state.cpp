#include "sim_state.hpp"

#include <stdexcept>

namespace bulkmsg::sim {

namespace {

double Rate(const nlohmann::json& value, const std::string& field) {
    if (!value.is_number() || value.get<double>() < 0.0 || value.get<double>() > 1.0) {
        throw std::invalid_argument(field + " must be a number between 0 and 1");
    }
    return value.get<double>();
}

std::uint32_t Count(const nlohmann::json& value, const std::string& field) {
    if (!value.is_number_integer() || value.get<std::int64_t>() < 0 || value.get<std::int64_t>() > 10'000'000) {
        throw std::invalid_argument(field + " must be a non-negative integer");
    }
    return value.get<std::uint32_t>();
}

}  // namespace

void ApplyFaultPatch(Faults& faults, const nlohmann::json& patch) {
    if (!patch.is_object()) {
        throw std::invalid_argument("faults must be a JSON object");
    }
    for (const auto& [field, value] : patch.items()) {
        if (field == "latency_ms") {
            faults.latency = std::chrono::milliseconds(Count(value, field));
        } else if (field == "error_rate") {
            faults.error_rate = Rate(value, field);
        } else if (field == "rate_limit_burst") {
            faults.rate_limit_burst = Count(value, field);
        } else if (field == "retry_after_seconds") {
            faults.retry_after_seconds = Count(value, field);
        } else if (field == "drop_rate") {
            faults.drop_rate = Rate(value, field);
        } else {
            throw std::invalid_argument("unknown fault '" + field + "'");
        }
    }
}

nlohmann::json FaultsToJson(const Faults& faults) {
    return {{"latency_ms", faults.latency.count()},
            {"error_rate", faults.error_rate},
            {"rate_limit_burst", faults.rate_limit_burst},
            {"retry_after_seconds", faults.retry_after_seconds},
            {"drop_rate", faults.drop_rate}};
}

SimState::SimState(std::uint64_t seed, Faults faults) : random_(seed), faults_(faults) {}

SimState::Decision SimState::Decide() {
    const std::lock_guard lock(mutex_);
    Decision d;
    d.latency = faults_.latency;
    d.retry_after_seconds = faults_.retry_after_seconds;
    if (faults_.rate_limit_burst > 0) {
        --faults_.rate_limit_burst;
        d.action = FaultAction::kRateLimited;
        return d;
    }
    const double draw = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    if (draw < faults_.drop_rate) {
        d.action = FaultAction::kDrop;
    } else if (draw < faults_.drop_rate + faults_.error_rate) {
        d.action = FaultAction::kTransient;
    }
    return d;
}

void SimState::SetFaults(const nlohmann::json& patch) {
    const std::lock_guard lock(mutex_);
    auto updated = faults_;
    ApplyFaultPatch(updated, patch);
    faults_ = updated;
}

Faults SimState::CurrentFaults() const {
    const std::lock_guard lock(mutex_);
    return faults_;
}

void SimState::RecordAccepted(const std::string& provider, const std::string& idempotency_key) {
    const std::lock_guard lock(mutex_);
    ++providers_[provider].accepted;
    if (++keys_[idempotency_key] > 1) {
        ++duplicates_;
    }
}

void SimState::RecordRejected(const std::string& provider) {
    const std::lock_guard lock(mutex_);
    ++providers_[provider].rejected;
}

void SimState::RecordFault(const std::string& provider) {
    const std::lock_guard lock(mutex_);
    ++providers_[provider].faults;
}

void SimState::RecordHttp2Connection() {
    const std::lock_guard lock(mutex_);
    ++http2_connections_;
}

nlohmann::json SimState::Stats(bool with_keys) const {
    const std::lock_guard lock(mutex_);
    nlohmann::json providers = nlohmann::json::object();
    std::uint64_t accepted = 0;
    for (const auto& [name, c] : providers_) {
        providers[name] = {{"accepted", c.accepted}, {"rejected", c.rejected}, {"faults", c.faults}};
        accepted += c.accepted;
    }
    nlohmann::json stats = {{"providers", providers},
                            {"accepted", accepted},
                            {"distinct_keys", keys_.size()},
                            {"duplicates", duplicates_},
                            {"http2_connections", http2_connections_},
                            {"faults", FaultsToJson(faults_)}};
    if (with_keys) {
        stats["keys"] = keys_;
    }
    return stats;
}

void SimState::Reset() {
    const std::lock_guard lock(mutex_);
    providers_.clear();
    keys_.clear();
    duplicates_ = 0;
    http2_connections_ = 0;
}

std::string SimState::IssueAccessToken(std::chrono::system_clock::time_point expires_at) {
    const std::lock_guard lock(mutex_);
    const auto token = "ya29.sim-" + std::to_string(random_());
    tokens_[token] = expires_at;
    return token;
}

bool SimState::AccessTokenValid(const std::string& token, std::chrono::system_clock::time_point now) const {
    const std::lock_guard lock(mutex_);
    const auto it = tokens_.find(token);
    return it != tokens_.end() && now < it->second;
}

}  // namespace bulkmsg::sim
