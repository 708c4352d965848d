#pragma once

#include "app/metrics/metrics_registry.hpp"

namespace bulkmsg::system {

/// Adds the standard process metrics (process_cpu_seconds_total, process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_open_fds, process_max_fds, process_start_time_seconds) to `registry`,
/// read from /proc/self at every scrape. A value that cannot be read keeps its last reading.
void RegisterProcessMetrics(app::MetricsRegistry& registry);

}  // namespace bulkmsg::system
