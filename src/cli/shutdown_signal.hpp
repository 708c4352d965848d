#pragma once

namespace bulkmsg::cli {

/// Blocks SIGINT and SIGTERM in the calling thread; threads started afterwards inherit the mask, so the
/// signals stay pending until WaitForShutdownSignal collects them. Call before starting any thread.
void BlockShutdownSignals();

/// Waits for SIGINT or SIGTERM and returns its number.
int WaitForShutdownSignal();

}  // namespace bulkmsg::cli
