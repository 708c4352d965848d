#pragma once

namespace bulkmsg::cli {

/// Parses the command line and runs the chosen subcommand; returns the process exit code
/// (0 ok, 1 runtime failure, 2 configuration error).
int RunCli(int argc, char** argv);

}  // namespace bulkmsg::cli
