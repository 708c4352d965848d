#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bulkmsg::domain {

class MigrationError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A migration file as shipped: `NNN_description.sql` and its SQL text.
struct MigrationFile {
    std::string name;
    std::string sql;
};

struct Migration {
    unsigned version = 0;
    std::string name;
    std::vector<std::string> statements;
    std::string checksum;  // SHA-256 of the file text: detects edits to an already applied migration
};

struct AppliedMigration {
    unsigned version = 0;
    std::string checksum;
};

/// Turns files into migrations ordered by version. Throws MigrationError when a name has no numeric
/// prefix or two files share a version.
std::vector<Migration> ParseMigrations(const std::vector<MigrationFile>& files);

/// The migrations still to apply, in order. Throws MigrationError when an applied migration's file
/// changed since it was applied, or the database has a version this binary does not know (it is newer).
std::vector<Migration> PendingMigrations(const std::vector<Migration>& available,
                                         const std::vector<AppliedMigration>& applied);

/// Splits SQL text into statements at `;`, ignoring semicolons inside quotes and comments.
/// Comment-only and empty statements are dropped.
std::vector<std::string> SplitSqlStatements(std::string_view sql);

}  // namespace bulkmsg::domain
