#pragma once

#include <vector>

#include "domain/migration.hpp"

namespace bulkmsg::app {

/// The files of db/migrations/, compiled into the binary at build time (cmake/EmbedMigrations.cmake).
const std::vector<domain::MigrationFile>& EmbeddedMigrations();

}  // namespace bulkmsg::app
