#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bulkmsg::testing {

ChildProcess::ChildProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                           const std::string& cwd) {
    char path_template[] = "/tmp/bulkmsg-test-output-XXXXXX";
    int fd = mkstemp(path_template);
    if (fd < 0) {
        throw std::runtime_error("mkstemp failed");
    }
    output_path_ = path_template;
    pid_ = fork();
    if (pid_ < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        if (chdir(cwd.c_str()) != 0) {
            _exit(127);
        }
        for (const auto& [name, value] : env) {
            setenv(name.c_str(), value.c_str(), 1);
        }
        std::vector<char*> argv;
        for (const auto& a : args) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(fd);
}

ChildProcess::~ChildProcess() {
    if (!waited_) {
        Signal(SIGKILL);
        Wait();
    }
    unlink(output_path_.c_str());
}

void ChildProcess::Signal(int signal_number) const {
    kill(pid_, signal_number);
}

std::string ChildProcess::OutputSoFar() const {
    std::ifstream in(output_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

ProcessResult ChildProcess::Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return {code, OutputSoFar()};
}

ProcessResult RunProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                         const std::string& cwd) {
    ChildProcess child(args, env, cwd);
    return child.Wait();
}

}  // namespace bulkmsg::testing
