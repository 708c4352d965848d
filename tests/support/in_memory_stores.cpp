#include "support/in_memory_stores.hpp"

#include <algorithm>
#include <cctype>

#include "app/dependency_error.hpp"
#include "domain/sha256.hpp"

namespace bulkmsg::testing {

void Outage::ThrowIfDown() const {
    if (down) {
        throw app::DependencyError(*down, "connection refused", true);
    }
}

app::CreateResult InMemoryCampaignStore::CreateCampaign(const domain::NewCampaign& campaign,
                                                        const std::optional<app::IdempotentRequest>& idempotency,
                                                        const std::string& actor) {
    ThrowIfDown();
    std::unique_lock lock(mutex_);
    if (idempotency) {
        const auto it = idempotency_.find({idempotency->scope, idempotency->key});
        if (it != idempotency_.end()) {
            return it->second.first == idempotency->request_hash
                       ? app::CreateResult{app::CreateResult::Outcome::kReplayed, it->second.second}
                       : app::CreateResult{app::CreateResult::Outcome::kConflict, 0};
        }
    }
    app::CampaignRecord record;
    record.id = campaigns_.size() + 1;
    record.name = campaign.name;
    record.content = campaign.content;
    record.scheduled_at = campaign.scheduled_at;
    record.status = campaign.scheduled_at ? domain::CampaignStatus::kScheduled : domain::CampaignStatus::kDraft;
    campaigns_[record.id] = record;
    if (idempotency) {
        idempotency_[{idempotency->scope, idempotency->key}] = {idempotency->request_hash, record.id};
    }
    lock.unlock();
    RecordEvent(record.id, {"created", actor});
    return {app::CreateResult::Outcome::kCreated, record.id};
}

std::uint64_t InMemoryCampaignStore::Add(domain::CampaignStatus status, domain::Channel kind) {
    const std::lock_guard lock(mutex_);
    app::CampaignRecord record;
    record.id = campaigns_.size() + 1;
    record.name = "campaign " + std::to_string(record.id);
    record.status = status;
    record.content.kind = kind;
    record.content.text = "Hello";
    campaigns_[record.id] = record;
    return record.id;
}

std::optional<app::CampaignRecord> InMemoryCampaignStore::GetCampaign(std::uint64_t id) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    const auto it = campaigns_.find(id);
    return it == campaigns_.end() ? std::nullopt : std::optional(it->second);
}

std::vector<app::CampaignRecord> InMemoryCampaignStore::ListCampaigns(std::uint64_t before_id, std::size_t limit,
                                                                      std::optional<domain::CampaignStatus> status) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    std::vector<app::CampaignRecord> list;
    for (auto it = campaigns_.rbegin(); it != campaigns_.rend() && list.size() < limit; ++it) {
        if ((before_id == 0 || it->first < before_id) && (!status || it->second.status == *status)) {
            list.push_back(it->second);
        }
    }
    return list;
}

bool InMemoryCampaignStore::Transition(std::uint64_t id, const app::StatusChange& change) {
    ThrowIfDown();
    {
        const std::lock_guard lock(mutex_);
        const auto it = campaigns_.find(id);
        if (it == campaigns_.end() ||
            std::find(change.from.begin(), change.from.end(), it->second.status) == change.from.end()) {
            return false;
        }
        it->second.status = change.to;
        if (change.scheduled_at) {
            it->second.scheduled_at = change.scheduled_at;
        }
    }
    RecordEvent(id, change.note);
    return true;
}

void InMemoryCampaignStore::RecordEvent(std::uint64_t campaign_id, const app::AuditNote& note) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    events_.emplace_back(campaign_id, app::CampaignEvent{events_.size() + 1, note, "2026-12-01 09:00:00.000000"});
}

std::vector<app::CampaignEvent> InMemoryCampaignStore::ListEvents(std::uint64_t campaign_id, std::uint64_t after_id,
                                                                  std::size_t limit) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    std::vector<app::CampaignEvent> list;
    for (const auto& [campaign, event] : events_) {
        if (campaign == campaign_id && event.id > after_id && list.size() < limit) {
            list.push_back(event);
        }
    }
    return list;
}

app::TargetInsertResult InMemoryTargetStore::InsertTargets(std::uint64_t campaign_id,
                                                           const std::vector<domain::Target>& targets) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    app::TargetInsertResult result;
    for (const auto& t : targets) {
        (targets_[campaign_id].emplace(t.user_ref, t.kind).second ? result.accepted : result.duplicates)++;
    }
    return result;
}

std::size_t InMemoryTargetStore::Count(std::uint64_t campaign_id) {
    const std::lock_guard lock(mutex_);
    return targets_[campaign_id].size();
}

void InMemoryMessageStore::Add(std::uint64_t campaign_id, domain::OutboxStatus status) {
    const std::lock_guard lock(mutex_);
    auto& rows = rows_[campaign_id];
    app::MessageRecord row;
    row.id = rows.size() + 1;
    row.user_ref = "user" + std::to_string(row.id) + "@example.com";
    row.kind = "email";
    row.status = status;
    rows.push_back(row);
}

app::CampaignCounts InMemoryMessageStore::Counts(std::uint64_t campaign_id) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    ++counted;
    app::CampaignCounts counts;
    for (const auto& row : rows_[campaign_id]) {
        ++counts.targets;
        ++counts.outbox_by_status[row.status];
    }
    return counts;
}

std::vector<app::MessageRecord> InMemoryMessageStore::ListMessages(std::uint64_t campaign_id,
                                                                   const app::MessageFilter& filter,
                                                                   std::uint64_t after_id, std::size_t limit) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    std::vector<app::MessageRecord> list;
    for (const auto& row : rows_[campaign_id]) {
        if (row.id > after_id && (!filter.status || row.status == *filter.status) &&
            (!filter.delivery_status || row.delivery_status == filter.delivery_status) && list.size() < limit) {
            list.push_back(row);
        }
    }
    return list;
}

std::uint64_t InMemoryMessageStore::CancelUnsent(std::uint64_t campaign_id) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    std::uint64_t cancelled = 0;
    for (auto& row : rows_[campaign_id]) {
        if (row.status == domain::OutboxStatus::kPending || row.status == domain::OutboxStatus::kQueued ||
            row.status == domain::OutboxStatus::kRetrying) {
            row.status = domain::OutboxStatus::kCancelled;
            ++cancelled;
        }
    }
    return cancelled;
}

bool InMemorySuppressionStore::AddSuppression(const app::Suppression& suppression) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    for (auto& row : rows_) {
        if (row.channel == suppression.channel && row.address == suppression.address) {
            row.reason = suppression.reason.empty() ? row.reason : suppression.reason;
            return false;
        }
    }
    auto row = suppression;
    row.id = next_id_++;
    rows_.push_back(row);
    return true;
}

std::size_t InMemorySuppressionStore::SuppressUnsentRows(domain::Channel channel, const std::string& address,
                                                         const std::string& source) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    opt_outs_.push_back(std::string(domain::ToString(channel)) + ":" + address + ":" + source);
    return 0;
}

std::optional<std::string> InMemorySuppressionStore::UnsubscribeAddress(const domain::UnsubscribeSubject& subject) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    for (const auto& [target, address] : targets_) {
        if (target == subject) {
            return address;
        }
    }
    return std::nullopt;
}

void InMemorySuppressionStore::AddTarget(const domain::UnsubscribeSubject& subject, const std::string& address) {
    const std::lock_guard lock(mutex_);
    targets_.emplace_back(subject, address);
}

std::vector<std::string> InMemorySuppressionStore::OptOuts() const {
    const std::lock_guard lock(mutex_);
    return opt_outs_;
}

bool InMemorySuppressionStore::RemoveSuppression(domain::Channel channel, const std::string& address) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    return std::erase_if(rows_,
                         [&](const app::Suppression& s) { return s.channel == channel && s.address == address; }) > 0;
}

std::vector<app::Suppression> InMemorySuppressionStore::ListSuppressions(std::optional<domain::Channel> channel,
                                                                         const std::string& address_prefix,
                                                                         std::uint64_t after_id, std::size_t limit) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    std::vector<app::Suppression> list;
    const auto lower = [](std::string text) {
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char ch) { return std::tolower(ch); });
        return text;
    };
    for (const auto& row : rows_) {
        const bool prefix_matches = lower(row.address).rfind(lower(address_prefix), 0) == 0;
        if (row.id > after_id && (!channel || row.channel == *channel) && prefix_matches && list.size() < limit) {
            list.push_back(row);
        }
    }
    return list;
}

void InMemoryApiKeyStore::Add(const std::string& key, const std::string& name) {
    names_[domain::Sha256Hex(key)] = name;
}

std::optional<std::string> InMemoryApiKeyStore::ApiKeyName(const std::string& key_hash) {
    ThrowIfDown();
    const auto it = names_.find(key_hash);
    return it == names_.end() ? std::nullopt : std::optional(it->second);
}

std::optional<std::string> InMemoryProgressCache::Get(std::uint64_t campaign_id) {
    const auto it = documents_.find(campaign_id);
    return it == documents_.end() ? std::nullopt : std::optional(it->second);
}

void InMemoryProgressCache::Put(std::uint64_t campaign_id, const std::string& progress_json, std::chrono::seconds) {
    documents_[campaign_id] = progress_json;
}

void InMemoryProgressCache::Forget(std::uint64_t campaign_id) {
    forgotten.push_back(campaign_id);
    documents_.erase(campaign_id);
}

domain::DoneSample InMemoryProgressCache::RecordSample(std::uint64_t, const domain::DoneSample& sample,
                                                       std::chrono::seconds) {
    return sample;
}

}  // namespace bulkmsg::testing
