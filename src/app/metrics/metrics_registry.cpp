#include "app/metrics/metrics_registry.hpp"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>

namespace bulkmsg::app {

template <typename Metric>
Metric& Family<Metric>::With(const LabelValues& values) {
    if (values.size() != labels_.size()) {
        throw std::invalid_argument(native_.GetName() + ": expected " + std::to_string(labels_.size()) +
                                    " label values, got " + std::to_string(values.size()));
    }
    std::lock_guard lock(mutex_);
    if (const auto found = series_.find(values); found != series_.end()) {
        return found->second;
    }
    prometheus::Labels labels;
    for (std::size_t i = 0; i < labels_.size(); ++i) {
        labels.emplace(labels_[i], values[i]);
    }
    if constexpr (std::is_same_v<Metric, Histogram>) {
        return series_.try_emplace(values, native_.Add(labels, prometheus::Histogram::BucketBoundaries(bounds_)))
            .first->second;
    } else {
        return series_.try_emplace(values, native_.Add(labels)).first->second;
    }
}

template <typename Metric>
void Family<Metric>::Clear() {
    std::lock_guard lock(mutex_);
    for (auto& [values, metric] : series_) {
        native_.Remove(&metric.native_);
    }
    series_.clear();
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

namespace {

// prometheus-cpp 1.0.1's TextSerializer writes HELP as given, so a backslash or newline would break the text.
std::string EscapeHelp(const std::string& help) {
    std::string out;
    for (char c : help) {
        out += c == '\\' ? "\\\\" : c == '\n' ? "\\n" : std::string(1, c);
    }
    return out;
}

}  // namespace

void MetricsRegistry::Declare(const std::string& name, const std::string& help, prometheus::MetricType type) {
    declared_.push_back({name, EscapeHelp(help), type, {}});
}

Family<Counter>& MetricsRegistry::AddCounter(std::string name, std::string help, std::vector<std::string> labels) {
    std::lock_guard lock(mutex_);
    auto& family =
        counters_.emplace_back(prometheus::BuildCounter().Name(name).Help(help).Register(registry_), std::move(labels));
    Declare(name, help, prometheus::MetricType::Counter);
    return family;
}

Family<Gauge>& MetricsRegistry::AddGauge(std::string name, std::string help, std::vector<std::string> labels) {
    std::lock_guard lock(mutex_);
    auto& family =
        gauges_.emplace_back(prometheus::BuildGauge().Name(name).Help(help).Register(registry_), std::move(labels));
    Declare(name, help, prometheus::MetricType::Gauge);
    return family;
}

Family<Histogram>& MetricsRegistry::AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                                 std::vector<double> bounds) {
    std::lock_guard lock(mutex_);
    auto& family = histograms_.emplace_back(prometheus::BuildHistogram().Name(name).Help(help).Register(registry_),
                                            std::move(labels), std::move(bounds));
    Declare(name, help, prometheus::MetricType::Histogram);
    return family;
}

void MetricsRegistry::AddCollector(std::function<void()> collect) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collect));
}

std::string MetricsRegistry::Render() {
    std::lock_guard lock(mutex_);
    for (const auto& collect : collectors_) {
        collect();
    }
    // The registry's Collect() leaves out families without series and orders families by type and series by
    // hash; the declared list keeps every family's HELP and TYPE, in declaration order, series sorted.
    auto collected = registry_.Collect();
    std::vector<prometheus::MetricFamily> families = declared_;
    for (auto& family : families) {
        const auto same = std::find_if(collected.begin(), collected.end(),
                                       [&](const prometheus::MetricFamily& c) { return c.name == family.name; });
        if (same != collected.end()) {
            family.metric = std::move(same->metric);
            std::sort(family.metric.begin(), family.metric.end(),
                      [](const auto& a, const auto& b) { return a.label < b.label; });
        }
    }
    return prometheus::TextSerializer().Serialize(families);
}

}  // namespace bulkmsg::app
