#include "cli/shutdown_signal.hpp"

#include <pthread.h>
#include <signal.h>

namespace bulkmsg::cli {

namespace {

sigset_t ShutdownSet() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

}  // namespace

void IgnoreBrokenPipes() {
    signal(SIGPIPE, SIG_IGN);
}

void BlockShutdownSignals() {
    sigset_t set = ShutdownSet();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
    sigset_t set = ShutdownSet();
    int signal_number = 0;
    sigwait(&set, &signal_number);
    return signal_number;
}

}  // namespace bulkmsg::cli
