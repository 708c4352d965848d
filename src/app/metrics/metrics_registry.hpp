#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace bulkmsg::app {

/// Label values of one series, in the order of its family's label names.
using LabelValues = std::vector<std::string>;

/// A monotonically increasing value. Lock-free.
class Counter {
public:
    void Inc(double amount = 1.0) { value_.fetch_add(amount, std::memory_order_relaxed); }
    /// For a counter mirrored from a monotonic source (e.g. the kernel's CPU time of this process).
    void Mirror(double total) { value_.store(total, std::memory_order_relaxed); }
    double Value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0.0};
};

/// A value that goes up and down, or is set from a source at scrape time. Lock-free.
class Gauge {
public:
    void Set(double value) { value_.store(value, std::memory_order_relaxed); }
    void Inc(double amount = 1.0) { value_.fetch_add(amount, std::memory_order_relaxed); }
    void Dec(double amount = 1.0) { value_.fetch_sub(amount, std::memory_order_relaxed); }
    double Value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0.0};
};

/// Observations counted into fixed upper bounds (cumulative on output, as Prometheus expects).
class Histogram {
public:
    explicit Histogram(const std::vector<double>& bounds);
    void Observe(double value);

    struct Snapshot {
        std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
        double sum = 0.0;
    };
    Snapshot Read() const;
    const std::vector<double>& Bounds() const { return bounds_; }

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1 buckets, not cumulative
    std::atomic<double> sum_{0.0};
};

/// All series of one metric name. With() creates a series on first use; the reference stays valid for
/// the registry's lifetime, so hot paths may keep it.
template <typename Metric>
class Family {
public:
    Family(std::string name, std::string help, std::vector<std::string> labels, std::vector<double> bounds = {})
        : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), bounds_(std::move(bounds)) {}

    /// Throws std::invalid_argument when the number of values differs from the number of label names.
    Metric& With(const LabelValues& values);

    const std::string& Name() const { return name_; }
    const std::string& Help() const { return help_; }
    const std::vector<std::string>& Labels() const { return labels_; }
    /// Removes every series (for gauges rebuilt from a source, e.g. one series per unfinished campaign).
    void Clear();
    /// Calls fn(values, metric) for each series in label order.
    void ForEach(const std::function<void(const LabelValues&, const Metric&)>& fn) const;

private:
    std::string name_, help_;
    std::vector<std::string> labels_;
    std::vector<double> bounds_;
    mutable std::mutex mutex_;
    std::map<LabelValues, std::unique_ptr<Metric>> series_;
};

/// A set of metric families rendered in the Prometheus text exposition format (version 0.0.4).
/// Collectors run before each rendering to refresh gauges read from elsewhere (the process, the database).
class MetricsRegistry {
public:
    Family<Counter>& AddCounter(std::string name, std::string help, std::vector<std::string> labels = {});
    Family<Gauge>& AddGauge(std::string name, std::string help, std::vector<std::string> labels = {});
    Family<Histogram>& AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                    std::vector<double> bounds);
    /// `collect` is called (on the scraping thread) before every Render; it must not throw.
    void AddCollector(std::function<void()> collect);

    /// The exposition text: HELP and TYPE for every family, then its series. Label values are escaped.
    std::string Render();

private:
    using Entry = std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
                               std::unique_ptr<Family<Histogram>>>;
    template <typename Metric>
    Family<Metric>& Add(std::unique_ptr<Family<Metric>> family);

    std::mutex mutex_;
    std::vector<Entry> entries_;
    std::vector<std::function<void()>> collectors_;
};

/// Formats a sample value as Prometheus expects (integers without exponent, +Inf/-Inf/NaN spelled out).
std::string FormatSampleValue(double value);
/// Escapes a label value: backslash, double quote and newline.
std::string EscapeLabelValue(const std::string& value);

}  // namespace bulkmsg::app
