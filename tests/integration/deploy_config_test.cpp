// The operations files in deploy/: Prometheus configuration and alert rules (with their promtool unit tests), the
// Alertmanager example, the Grafana dashboard and the systemd units — checked with the real tools and against the
// metrics a running `bulkmsg all` exports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "domain/config.hpp"
#include "domain/env_file.hpp"
#include "support/outbox_fixture.hpp"
#include "support/process.hpp"
#include "support/raw_http.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg {
namespace {

const std::string kDeploy = std::string(BULKMSG_SOURCE_DIR) + "/deploy";

testing::ProcessResult RunInDeploy(const std::vector<std::string>& args) {
    return testing::RunProcess(args, {}, kDeploy);
}

TEST(DeployConfigTest, PrometheusConfigIsValidAndAlertRulesPassTheirUnitTests) {
    const auto config = RunInDeploy({"/usr/bin/promtool", "check", "config", "prometheus.yml"});
    EXPECT_EQ(config.exit_code, 0) << config.output;
    EXPECT_THAT(config.output, ::testing::HasSubstr("8 rules found"));
    const auto rules = RunInDeploy({"/usr/bin/promtool", "test", "rules", "alerts_test.yml"});
    EXPECT_EQ(rules.exit_code, 0) << rules.output;
    EXPECT_THAT(rules.output, ::testing::HasSubstr("SUCCESS"));
}

TEST(DeployConfigTest, AlertmanagerExamplePassesAmtool) {
    const auto result = RunInDeploy({"/usr/bin/amtool", "check-config", "alertmanager.yml"});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, ::testing::HasSubstr("2 receivers"));
}

std::string FileText(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(DeployConfigTest, SystemdUnitsVerify) {
    // systemd-analyze checks that ExecStart's binary exists: point the units at the built one.
    const auto dir = testing::EmptyWorkDir();
    std::vector<std::string> args = {"/usr/bin/systemd-analyze", "verify", "--man=no"};
    for (const auto& entry : std::filesystem::directory_iterator(kDeploy + "/systemd")) {
        if (entry.path().extension() != ".service") {
            continue;
        }
        const auto text =
            std::regex_replace(FileText(entry.path()), std::regex("/usr/local/bin/bulkmsg"), BULKMSG_BINARY);
        const auto copy = dir + "/" + entry.path().filename().string();
        std::ofstream(copy) << text;
        args.push_back(copy);
    }
    ASSERT_EQ(args.size(), 7u) << "api@, poller@, consumer@ and migrate units";
    const auto result = testing::RunProcess(args, {{"SYSTEMD_LOG_LEVEL", "warning"}}, dir);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(result.output, "");
}

// Several processes per role: each role is a template unit reading /etc/bulkmsg/<unit>-<instance>.env, and the
// example instance files give every process on one host its own port and set only variables bulkmsg reads.
TEST(DeployConfigTest, TemplateUnitsGiveEveryInstanceItsOwnEnvFileAndPort) {
    const std::map<std::string, std::string> port_of_role = {
        {"api", "EXPRESS_APP_PORT"}, {"poller", "METRICS_PORT"}, {"consumer", "METRICS_PORT"}};
    std::set<std::string> known;
    for (const auto& spec : domain::ConfigVariables()) {
        known.insert(spec.name);
    }
    std::map<std::string, std::string> port_owner;
    for (const auto& [role, port_variable] : port_of_role) {
        const auto unit = "bulkmsg-" + role;
        EXPECT_THAT(FileText(kDeploy + "/systemd/" + unit + "@.service"),
                    ::testing::HasSubstr("\nEnvironmentFile=/etc/bulkmsg/" + unit + "-%i.env\n"));
        for (const auto* instance : {"1", "2"}) {
            const auto file = kDeploy + "/systemd/env/" + unit + "-" + instance + ".env";
            if (role == "poller" && std::string(instance) == "2") {
                continue;  // one example poller; a second one works the same way (SKIP LOCKED)
            }
            ASSERT_TRUE(std::filesystem::exists(file)) << file;
            const auto vars = domain::ParseEnvFile(FileText(file));
            ASSERT_TRUE(vars.contains(port_variable)) << file;
            for (const auto& [name, value] : vars) {
                EXPECT_TRUE(known.contains(name)) << file << ": " << name << " is not read by bulkmsg";
            }
            const auto [owner, fresh] = port_owner.emplace(vars.at(port_variable), file);
            EXPECT_TRUE(fresh) << file << " uses the port of " << owner->second;
        }
    }
    EXPECT_EQ(port_owner.size(), 5u);
}

/// Metric names (bulkmsg_*, process_*, up) used in a PromQL expression.
std::set<std::string> MetricsIn(const std::string& expr) {
    static const std::regex name(R"(\b(bulkmsg_[a-z_]+|process_[a-z_]+|up)\b)");
    std::set<std::string> names;
    for (std::sregex_iterator it(expr.begin(), expr.end(), name), end; it != end; ++it) {
        names.insert((*it)[1]);
    }
    return names;
}

/// Names a scrape can contain: each family, plus _bucket/_sum/_count of histograms; Prometheus adds `up`.
std::set<std::string> ExportedNames(const std::string& exposition) {
    std::set<std::string> names = {"up"};
    std::istringstream lines(exposition);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_match(line, m, std::regex(R"(# TYPE (\S+) (\S+))"))) {
            names.insert(m[1]);
            if (m[2] == "histogram") {
                for (const char* suffix : {"_bucket", "_sum", "_count"}) {
                    names.insert(m[1].str() + suffix);
                }
            }
        }
    }
    return names;
}

std::vector<std::string> DashboardQueries() {
    std::ifstream in(kDeploy + "/grafana/bulkmsg-dashboard.json");
    const auto dashboard = nlohmann::json::parse(in);
    std::vector<std::string> queries;
    for (const auto& panel : dashboard["panels"]) {
        for (const auto& target : panel["targets"]) {
            queries.push_back(target["expr"]);
        }
    }
    return queries;
}

std::vector<std::string> AlertQueries() {
    std::vector<std::string> queries;
    for (const auto& group : YAML::LoadFile(kDeploy + "/alerts.yml")["groups"]) {
        for (const auto& rule : group["rules"]) {
            queries.push_back(rule["expr"].as<std::string>());
        }
    }
    return queries;
}

TEST(DeployConfigTest, EveryDashboardAndAlertQueryUsesMetricsTheServiceExports) {
    testing::MigratedDatabase db;
    testing::TestQueues queues;
    const auto port = testing::FreePort();
    auto env = queues.Env();
    env["DB_NAME"] = db.Config().name;
    env["EXPRESS_APP_PORT"] = std::to_string(port);
    testing::ChildProcess all({BULKMSG_BINARY, "all"}, testing::BulkmsgEnv(env), testing::EmptyWorkDir());
    testing::RawHttpResponse scrape;
    ASSERT_TRUE(testing::WaitUntil(
        [&] {
            scrape = testing::HttpGet(port, "/metrics");
            return scrape.status == 200;
        },
        std::chrono::seconds(10), std::chrono::milliseconds(50)))
        << all.OutputSoFar();
    const auto exported = ExportedNames(scrape.body);

    const auto dashboard = DashboardQueries();
    const auto alerts = AlertQueries();
    EXPECT_GE(dashboard.size(), 15u);
    EXPECT_EQ(alerts.size(), 8u);
    std::set<std::string> used;
    for (const auto* queries : {&dashboard, &alerts}) {
        for (const auto& expr : *queries) {
            const auto names = MetricsIn(expr);
            EXPECT_FALSE(names.empty()) << expr;
            for (const auto& name : names) {
                EXPECT_TRUE(exported.contains(name)) << name << " in " << expr << " is not exported";
                used.insert(name);
            }
        }
    }
    // The dashboard shows what the issue asks for: throughput, failures, queue depth, latency, DB connections,
    // CPU, memory and per-campaign progress.
    for (const char* name :
         {"bulkmsg_messages_sent_total", "bulkmsg_messages_failed_total", "bulkmsg_queue_messages",
          "bulkmsg_provider_request_duration_seconds_bucket", "bulkmsg_db_connections", "process_cpu_seconds_total",
          "process_resident_memory_bytes", "bulkmsg_campaign_messages"}) {
        EXPECT_TRUE(used.contains(name)) << name;
    }
    all.Signal(SIGTERM);
    EXPECT_EQ(all.Wait().exit_code, 0);
}

}  // namespace
}  // namespace bulkmsg
