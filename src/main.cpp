#include "cli/cli.hpp"

int main(int argc, char** argv) {
    return bulkmsg::cli::RunCli(argc, argv);
}
