#pragma once

namespace bulkmsg::cli {

/// Blocks SIGINT and SIGTERM in the calling thread; threads started afterwards inherit the mask, so the
/// signals stay pending until WaitForShutdownSignal collects them. Call before starting any thread.
void BlockShutdownSignals();

/// Ignores SIGPIPE for the whole process. A write to a socket the peer closed (MariaDB, RabbitMQ or Redis after a
/// restart, a provider, an HTTP client that went away) must fail that call with EPIPE, not kill the process.
void IgnoreBrokenPipes();

/// Waits for SIGINT or SIGTERM and returns its number.
int WaitForShutdownSignal();

}  // namespace bulkmsg::cli
