#include "domain/migration.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "domain/sha256.hpp"

namespace bulkmsg::domain {

namespace {

unsigned VersionOf(const std::string& name) {
    size_t digits = 0;
    while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) {
        ++digits;
    }
    if (digits == 0 || digits > 9 || digits >= name.size() || name[digits] != '_') {
        throw MigrationError("migration file '" + name + "' must be named NNN_description.sql");
    }
    return static_cast<unsigned>(std::stoul(name.substr(0, digits)));
}

bool IsBlankOrComment(std::string_view statement) {
    std::string_view rest = statement;
    while (!rest.empty()) {
        if (std::isspace(static_cast<unsigned char>(rest.front()))) {
            rest.remove_prefix(1);
        } else if (rest.starts_with("--") || rest.starts_with("#")) {
            auto eol = rest.find('\n');
            rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol);
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace

std::vector<Migration> ParseMigrations(const std::vector<MigrationFile>& files) {
    std::vector<Migration> out;
    for (const auto& file : files) {
        out.push_back({VersionOf(file.name), file.name, SplitSqlStatements(file.sql), Sha256Hex(file.sql)});
    }
    std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
    for (size_t i = 1; i < out.size(); ++i) {
        if (out[i].version == out[i - 1].version) {
            throw MigrationError("migrations '" + out[i - 1].name + "' and '" + out[i].name + "' share a version");
        }
    }
    return out;
}

std::vector<Migration> PendingMigrations(const std::vector<Migration>& available,
                                         const std::vector<AppliedMigration>& applied) {
    std::map<unsigned, const Migration*> by_version;
    for (const auto& m : available) {
        by_version[m.version] = &m;
    }
    std::map<unsigned, std::string> applied_checksums;
    for (const auto& a : applied) {
        auto it = by_version.find(a.version);
        if (it == by_version.end()) {
            throw MigrationError("database has migration " + std::to_string(a.version) +
                                 ", which this binary does not know: the database is newer than bulkmsg");
        }
        if (it->second->checksum != a.checksum) {
            throw MigrationError("migration '" + it->second->name + "' was changed after it was applied");
        }
        applied_checksums[a.version] = a.checksum;
    }
    std::vector<Migration> pending;
    for (const auto& m : available) {
        if (!applied_checksums.contains(m.version)) {
            pending.push_back(m);
        }
    }
    return pending;
}

std::vector<std::string> SplitSqlStatements(std::string_view sql) {
    std::vector<std::string> statements;
    std::string current;
    char quote = 0;
    for (size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        const bool line_comment = !quote && (c == '#' || (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-'));
        if (line_comment) {
            auto eol = sql.find('\n', i);
            eol = eol == std::string_view::npos ? sql.size() : eol;
            current.append(sql.substr(i, eol - i));
            i = eol - 1;
            continue;
        }
        if (quote && c == '\\' && i + 1 < sql.size()) {
            current += c;
            current += sql[++i];
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            quote = quote == 0 ? c : (quote == c ? 0 : quote);
        }
        if (c == ';' && !quote) {
            if (!IsBlankOrComment(current)) {
                statements.push_back(current);
            }
            current.clear();
            continue;
        }
        current += c;
    }
    if (!IsBlankOrComment(current)) {
        statements.push_back(current);
    }
    return statements;
}

}  // namespace bulkmsg::domain
