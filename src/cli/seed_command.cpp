#include <nlohmann/json.hpp>

#include "adapters/mysql/mysql_connection.hpp"
#include "adapters/mysql/mysql_migration_store.hpp"
#include "app/embedded_migrations.hpp"
#include "app/log.hpp"
#include "app/run_migrations.hpp"
#include "cli/commands.hpp"
#include "domain/seed_data.hpp"

namespace bulkmsg::cli {

namespace {

constexpr std::uint64_t kInsertBatch = 1000;

std::uint64_t InsertCampaign(mysql::MysqlConnection& db, domain::Channel channel, unsigned number) {
    const std::string kind(domain::ToString(channel));
    db.Execute(
        "INSERT INTO campaigns (name, kind, status, template_subject, template_text, template_html, template_title) "
        "VALUES (" +
        db.Quote("Seed campaign " + std::to_string(number) + " (" + kind + ")") + ", " + db.Quote(kind) +
        ", 'draft', 'Hello {{first_name}}', 'Hi {{first_name}}, this is seed campaign " + std::to_string(number) +
        ".', '<p>Hi {{first_name}}</p>', 'Hello {{first_name}}')");
    return std::stoull(db.QueryValue("SELECT LAST_INSERT_ID()").value_or("0"));
}

void InsertTargets(mysql::MysqlConnection& db, std::uint64_t campaign_id, domain::Channel channel,
                   std::uint64_t count) {
    const std::string kind(domain::ToString(channel));
    for (std::uint64_t start = 0; start < count; start += kInsertBatch) {
        std::string sql = "INSERT INTO campaign_targets (campaign_id, user_ref, kind, timezone, metadata) VALUES ";
        for (std::uint64_t i = start; i < std::min(count, start + kInsertBatch); ++i) {
            nlohmann::json metadata = {{"first_name", "User " + std::to_string(i)}};
            sql += (i == start ? "(" : ",(") + std::to_string(campaign_id) + "," +
                   db.Quote(domain::SeedUserRef(channel, i)) + "," + db.Quote(kind) + "," +
                   db.Quote(domain::SeedTimezone(i)) + "," + db.Quote(metadata.dump()) + ")";
        }
        db.Execute(sql);
    }
}

}  // namespace

int RunSeed(const domain::Config& config, unsigned campaigns, std::uint64_t targets_per_campaign) {
    mysql::MysqlConnection db(config.db);
    mysql::MysqlMigrationStore store(db, config.db.name);
    if (app::CountPendingMigrations(store, domain::ParseMigrations(app::EmbeddedMigrations())) > 0) {
        app::Log(app::LogLevel::kError, "seed", "schema is not current: run `bulkmsg migrate` first");
        return kExitFailure;
    }
    const domain::Channel channels[] = {domain::Channel::kEmail, domain::Channel::kSms, domain::Channel::kPush};
    for (unsigned n = 0; n < campaigns; ++n) {
        const auto channel = channels[n % 3];
        auto id = InsertCampaign(db, channel, n + 1);
        InsertTargets(db, id, channel, targets_per_campaign);
        app::Log(app::LogLevel::kInfo, "seed", "seeded campaign",
                 {{"campaign_id", id}, {"kind", domain::ToString(channel)}, {"targets", targets_per_campaign}});
    }
    return kExitOk;
}

}  // namespace bulkmsg::cli
