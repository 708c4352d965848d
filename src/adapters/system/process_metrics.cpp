#include "adapters/system/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace bulkmsg::system {

namespace {

struct ProcessMetricFamilies {
    app::Family<app::Counter>& cpu;
    app::Family<app::Gauge>& resident;
    app::Family<app::Gauge>& virtual_memory;
    app::Family<app::Gauge>& open_fds;
    app::Family<app::Gauge>& max_fds;
    app::Family<app::Gauge>& start_time;
};

/// Fields of /proc/self/stat after the command name (which may contain spaces): index 0 is field 3 (state).
std::vector<std::string> StatFields() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    std::getline(in, line);
    const auto close = line.rfind(')');
    std::vector<std::string> fields;
    if (close == std::string::npos) {
        return fields;
    }
    std::istringstream rest(line.substr(close + 2));
    for (std::string field; rest >> field;) {
        fields.push_back(field);
    }
    return fields;
}

double BootTimeSeconds() {
    std::ifstream in("/proc/stat");
    for (std::string key; in >> key;) {
        if (key == "btime") {
            double value = 0;
            in >> value;
            return value;
        }
        in.ignore(1 << 16, '\n');
    }
    return 0;
}

void Collect(const ProcessMetricFamilies& f) {
    const auto fields = StatFields();
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    // Field numbers from proc(5): 14 utime, 15 stime, 22 starttime (ticks after boot), 23 vsize, 24 rss (pages).
    if (fields.size() > 21) {
        f.cpu.With({}).Mirror((std::stod(fields[11]) + std::stod(fields[12])) / ticks);
        f.start_time.With({}).Set(BootTimeSeconds() + std::stod(fields[19]) / ticks);
        f.virtual_memory.With({}).Set(std::stod(fields[20]));
        f.resident.With({}).Set(std::stod(fields[21]) * page);
    }
    std::error_code error;
    std::size_t fds = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
         it.increment(error)) {
        ++fds;
    }
    if (!error) {
        f.open_fds.With({}).Set(static_cast<double>(fds));
    }
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        f.max_fds.With({}).Set(static_cast<double>(limit.rlim_cur));
    }
}

}  // namespace

// Read here from /proc: prometheus-cpp (core and pull) has no process collector.
void RegisterProcessMetrics(app::MetricsRegistry& registry) {
    ProcessMetricFamilies families{
        .cpu = registry.AddCounter("process_cpu_seconds_total", "User and system CPU time spent in seconds"),
        .resident = registry.AddGauge("process_resident_memory_bytes", "Resident memory size in bytes"),
        .virtual_memory = registry.AddGauge("process_virtual_memory_bytes", "Virtual memory size in bytes"),
        .open_fds = registry.AddGauge("process_open_fds", "Open file descriptors"),
        .max_fds = registry.AddGauge("process_max_fds", "Maximum number of open file descriptors"),
        .start_time = registry.AddGauge("process_start_time_seconds", "Start time of the process since the epoch"),
    };
    registry.AddCollector([families] {
        try {
            Collect(families);
        } catch (const std::exception&) {
            // A malformed /proc read keeps the previous values; a scrape never fails for it.
        }
    });
}

}  // namespace bulkmsg::system
