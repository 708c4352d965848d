#pragma once

// In-memory outbox and publisher for the relay's unit tests.
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

#include "app/message_publisher.hpp"
#include "app/outbox_store.hpp"

namespace bulkmsg::app {

struct StoredRow {
    domain::OutboxRow row;
    std::string status = "pending";
    domain::TimePoint available_at;
    domain::TimePoint queued_at;
};

// An in-memory outbox with the semantics of the MySQL claim: due rows of one status, oldest first, skipping
// rows locked by an open claim; a claim's rows are locked until commit or destruction (rollback).
class FakeOutboxStore final : public OutboxStore {
public:
    class Claim final : public OutboxClaim {
    public:
        Claim(FakeOutboxStore& store, std::vector<domain::OutboxRow> rows, std::string status)
            : store_(store), rows_(std::move(rows)), status_(std::move(status)) {}
        ~Claim() override {
            for (const auto& row : rows_) {
                store_.locked.erase(row.id);
            }
        }
        const std::vector<domain::OutboxRow>& Rows() const override { return rows_; }
        std::size_t CommitQueued(const std::vector<std::uint64_t>& ids, domain::TimePoint now) override {
            if (store_.fail_commit) {
                throw std::runtime_error("connection lost during commit");
            }
            std::size_t updated = 0;
            for (auto id : ids) {
                auto& stored = store_.rows.at(id);
                if (stored.status == status_) {
                    stored.status = "queued";
                    stored.queued_at = now;
                    ++updated;
                }
            }
            store_.commits++;
            return updated;
        }

    private:
        FakeOutboxStore& store_;
        std::vector<domain::OutboxRow> rows_;
        std::string status_;
    };

    std::uint64_t Add(std::string status, domain::TimePoint available_at, unsigned attempts = 0,
                      std::string traceparent = "") {
        const std::uint64_t id = rows.size() + 1;
        domain::OutboxRow row{id,
                              7,
                              "user" + std::to_string(id) + "@example.com",
                              "email",
                              "key-" + std::to_string(id),
                              attempts,
                              std::move(traceparent)};
        rows[id] = {row, std::move(status), available_at, available_at};
        return id;
    }

    std::unique_ptr<OutboxClaim> Claim(domain::ClaimKind kind, domain::TimePoint now, std::chrono::seconds lease,
                                       std::size_t limit) override {
        if (fail_claims > 0) {
            --fail_claims;
            throw std::runtime_error("database unavailable");
        }
        const std::string status = kind == domain::ClaimKind::kPending        ? "pending"
                                   : kind == domain::ClaimKind::kDueRetry     ? "retrying"
                                   : kind == domain::ClaimKind::kStaleSending ? "sending"
                                                                              : "queued";
        std::vector<domain::OutboxRow> claimed;
        for (auto& [id, stored] : rows) {
            const bool due = kind == domain::ClaimKind::kStaleQueued || kind == domain::ClaimKind::kStaleSending
                                 ? stored.queued_at <= now - lease
                                 : stored.available_at <= now;
            if (claimed.size() < limit && stored.status == status && due && !locked.contains(id)) {
                claimed.push_back(stored.row);
                locked.insert(id);
                max_locked = std::max(max_locked, locked.size());
            }
        }
        return std::make_unique<class Claim>(*this, std::move(claimed), status);
    }

    std::map<std::string, std::uint64_t> CountByStatus() {
        std::map<std::string, std::uint64_t> counts;
        for (const auto& [id, stored] : rows) {
            counts[stored.status]++;
        }
        return counts;
    }

    std::uint64_t Count(const std::string& status) { return CountByStatus()[status]; }

    std::map<std::uint64_t, StoredRow> rows;
    std::set<std::uint64_t> locked;
    std::size_t max_locked = 0;
    int fail_claims = 0;
    bool fail_commit = false;
    int commits = 0;
};

// Acks every message except those whose id is in nack_ids; remembers outstanding batches so tests can
// see how many were in flight at once.
class FakePublisher : public MessagePublisher {
public:
    PublishTicket Publish(const std::vector<OutgoingMessage>& messages) override {
        if (fail_next > 0) {
            --fail_next;
            outstanding.clear();
            throw std::runtime_error("broker connection lost");
        }
        const PublishTicket ticket{1, next_tag, messages.size()};
        next_tag += messages.size();
        outstanding[ticket.first_tag] = messages;
        max_outstanding = std::max(max_outstanding, outstanding.size());
        return ticket;
    }
    std::vector<bool> AwaitConfirms(const PublishTicket& ticket) override {
        auto it = outstanding.find(ticket.first_tag);
        if (it == outstanding.end()) {
            throw std::runtime_error("batch lost with the connection");
        }
        BeforeConfirm();
        std::vector<bool> acked;
        for (const auto& message : it->second) {
            const bool ack = !nack_ids.contains(message.message_id);
            acked.push_back(ack);
            if (ack) {
                delivered.push_back(message);
            }
        }
        outstanding.erase(it);
        return acked;
    }
    virtual void BeforeConfirm() {
        if (on_confirm) {
            on_confirm();
        }
    }
    std::function<void()> on_confirm;

    std::vector<OutgoingMessage> delivered;
    std::set<std::string> nack_ids;
    std::map<std::uint64_t, std::vector<OutgoingMessage>> outstanding;
    std::size_t max_outstanding = 0;
    std::uint64_t next_tag = 1;
    int fail_next = 0;
};

}  // namespace bulkmsg::app
