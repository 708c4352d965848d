#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace bulkmsg::app {

/// Label values of one series, in the order of its family's label names.
using LabelValues = std::vector<std::string>;

/// A monotonically increasing value: a prometheus::Counter (lock-free).
class Counter {
public:
    using Native = prometheus::Counter;
    explicit Counter(Native& native) : native_(native) {}
    void Inc(double amount = 1.0) { native_.Increment(amount); }
    /// For a counter mirrored from a monotonic source (e.g. the kernel's CPU time of this process): adds what
    /// `total` is ahead of the value. One writer only; a smaller total is ignored (a counter never goes down).
    void Mirror(double total) { native_.Increment(total - native_.Value()); }
    double Value() const { return native_.Value(); }

private:
    template <typename>
    friend class Family;  // removes the native series on Clear()
    Native& native_;
};

/// A value that goes up and down, or is set from a source at scrape time: a prometheus::Gauge (lock-free).
class Gauge {
public:
    using Native = prometheus::Gauge;
    explicit Gauge(Native& native) : native_(native) {}
    void Set(double value) { native_.Set(value); }
    void Inc(double amount = 1.0) { native_.Increment(amount); }
    void Dec(double amount = 1.0) { native_.Decrement(amount); }
    double Value() const { return native_.Value(); }

private:
    template <typename>
    friend class Family;  // removes the native series on Clear()
    Native& native_;
};

/// Observations counted into fixed upper bounds (a value equal to a bound counts in it): a prometheus::Histogram.
class Histogram {
public:
    using Native = prometheus::Histogram;
    explicit Histogram(Native& native) : native_(native) {}
    void Observe(double value) { native_.Observe(value); }

private:
    template <typename>
    friend class Family;  // removes the native series on Clear()
    Native& native_;
};

/// All series of one metric name, kept by a prometheus::Family. With() takes the label values in the order of
/// the family's label names and creates a series on first use; the reference stays valid until Clear(), so hot
/// paths may keep it.
template <typename Metric>
class Family {
public:
    using Native = typename Metric::Native;
    Family(prometheus::Family<Native>& native, std::vector<std::string> labels, std::vector<double> bounds = {})
        : native_(native), labels_(std::move(labels)), bounds_(std::move(bounds)) {}

    /// Throws std::invalid_argument when the number of values differs from the number of label names.
    Metric& With(const LabelValues& values);
    /// Removes every series (for gauges rebuilt from a source, e.g. one series per unfinished campaign).
    void Clear();

private:
    prometheus::Family<Native>& native_;
    std::vector<std::string> labels_;
    std::vector<double> bounds_;  // histograms only
    std::mutex mutex_;
    std::map<LabelValues, Metric> series_;
};

/// A set of metric families (a prometheus::Registry) rendered in the Prometheus text exposition format
/// (version 0.0.4) by prometheus-cpp's TextSerializer. Collectors run before each rendering to refresh gauges
/// read from elsewhere (the process, the database).
class MetricsRegistry {
public:
    /// Each throws std::invalid_argument for an invalid metric or label name, or a name declared twice.
    Family<Counter>& AddCounter(std::string name, std::string help, std::vector<std::string> labels = {});
    Family<Gauge>& AddGauge(std::string name, std::string help, std::vector<std::string> labels = {});
    Family<Histogram>& AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                    std::vector<double> bounds);
    /// `collect` is called (on the scraping thread) before every Render; it must not throw.
    void AddCollector(std::function<void()> collect);

    /// The exposition text: HELP and TYPE for every declared family (in declaration order, also when it has no
    /// series yet), then its series sorted by label values.
    std::string Render();

private:
    void Declare(const std::string& name, const std::string& help, prometheus::MetricType type);

    prometheus::Registry registry_{prometheus::Registry::InsertBehavior::Throw};
    std::mutex mutex_;
    std::deque<Family<Counter>> counters_;  // a deque keeps references to its elements valid as it grows
    std::deque<Family<Gauge>> gauges_;
    std::deque<Family<Histogram>> histograms_;
    std::vector<prometheus::MetricFamily> declared_;  // name, escaped help and type of each family, no series
    std::vector<std::function<void()>> collectors_;
};

}  // namespace bulkmsg::app
