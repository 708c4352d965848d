#pragma once

#include <sys/types.h>
#include <map>
#include <string>
#include <vector>

namespace bulkmsg::testing {

struct ProcessResult {
    int exit_code = -1;  // 128 + signal number when killed by a signal
    std::string output;  // stdout and stderr interleaved
};

/// A child process started with fork/exec: the current environment plus `env`, in `cwd`, with stdout
/// and stderr captured into a temporary file.
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                 const std::string& cwd);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    void Signal(int signal_number) const;
    /// Waits for the process to exit and returns its exit code and output.
    ProcessResult Wait();
    std::string OutputSoFar() const;

private:
    pid_t pid_ = -1;
    std::string output_path_;
    bool waited_ = false;
};

/// Runs a command to completion.
ProcessResult RunProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                         const std::string& cwd);

}  // namespace bulkmsg::testing
