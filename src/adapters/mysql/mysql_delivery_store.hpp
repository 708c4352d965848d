#pragma once

#include <mutex>
#include <random>

#include "adapters/mysql/mysql_pool.hpp"
#include "app/delivery_ports.hpp"

namespace bulkmsg::mysql {

/// The batched UPDATEs that store `outcomes` (one per status, per-row values through `CASE id`), each changing a
/// row only while the outcome's claim token still holds it. Strings are quoted by `escaper`.
std::vector<std::string> OutcomeUpdates(const std::vector<domain::DeliveryOutcome>& outcomes, domain::TimePoint now,
                                        SqlEscaper& escaper);

/// DeliveryStore on MariaDB/MySQL: each Claim and each Record is one short READ COMMITTED transaction with batched
/// statements (`UPDATE … WHERE id IN (…)` with CASE for per-row values), never one statement per row.
class MysqlDeliveryStore final : public app::DeliveryStore {
public:
    explicit MysqlDeliveryStore(domain::DatabaseConfig config);

    std::vector<app::ClaimVerdict> Claim(const std::vector<app::ClaimRequest>& requests, domain::TimePoint now,
                                         std::chrono::seconds lease) override;
    void Record(const std::vector<domain::DeliveryOutcome>& outcomes,
                const std::vector<domain::OutboundMessage>& suppress, domain::TimePoint now) override;
    void Release(const std::vector<app::HeldRow>& rows) override;

private:
    /// A running campaign with nothing left to send becomes completed, with its `completed` event (final counts).
    static void MarkCompleted(MysqlConnection& c, std::uint64_t campaign);
    /// A random token per claim transaction, unique across consumer processes in practice (64 random bits).
    std::uint64_t NewClaimToken();

    MysqlPool pool_;
    std::mutex random_mutex_;
    std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace bulkmsg::mysql
