#include "app/metrics/metrics_registry.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace bulkmsg::app {

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::Observe(double value) {
    std::size_t bucket = 0;
    while (bucket < bounds_.size() && value > bounds_[bucket]) {
        ++bucket;
    }
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
    Snapshot snapshot;
    std::uint64_t running = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        running += counts_[i].load(std::memory_order_relaxed);
        snapshot.cumulative.push_back(running);
    }
    snapshot.sum = sum_.load(std::memory_order_relaxed);
    return snapshot;
}

namespace {

template <typename Metric>
std::unique_ptr<Metric> MakeMetric(const std::vector<double>& /*bounds*/) {
    return std::make_unique<Metric>();
}

template <>
std::unique_ptr<Histogram> MakeMetric<Histogram>(const std::vector<double>& bounds) {
    return std::make_unique<Histogram>(bounds);
}

}  // namespace

template <typename Metric>
Metric& Family<Metric>::With(const LabelValues& values) {
    if (values.size() != labels_.size()) {
        throw std::invalid_argument(name_ + ": expected " + std::to_string(labels_.size()) + " label values");
    }
    std::lock_guard lock(mutex_);
    auto& slot = series_[values];
    if (!slot) {
        slot = MakeMetric<Metric>(bounds_);
    }
    return *slot;
}

template <typename Metric>
void Family<Metric>::Clear() {
    std::lock_guard lock(mutex_);
    series_.clear();
}

template <typename Metric>
void Family<Metric>::ForEach(const std::function<void(const LabelValues&, const Metric&)>& fn) const {
    std::lock_guard lock(mutex_);
    for (const auto& [values, metric] : series_) {
        fn(values, *metric);
    }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

std::string FormatSampleValue(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;  // shortest exact form
    return std::string(buffer, end);
}

std::string EscapeLabelValue(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

namespace {

std::string EscapeHelp(const std::string& help) {
    std::string out;
    for (char c : help) {
        out += c == '\\' ? "\\\\" : c == '\n' ? "\\n" : std::string(1, c);
    }
    return out;
}

/// `{a="x",b="y"}` (with `extra` appended, e.g. le="0.5"), or "" when there are no labels.
std::string LabelSet(const std::vector<std::string>& names, const LabelValues& values, const std::string& extra = "") {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += (out.empty() ? "" : ",") + names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
    }
    if (!extra.empty()) {
        out += (out.empty() ? "" : ",") + extra;
    }
    return out.empty() ? "" : "{" + out + "}";
}

void Header(std::string& out, const std::string& name, const std::string& help, const char* type) {
    out += "# HELP " + name + " " + EscapeHelp(help) + "\n# TYPE " + name + " " + type + "\n";
}

template <typename Metric>
void RenderSimple(std::string& out, const Family<Metric>& family, const char* type) {
    Header(out, family.Name(), family.Help(), type);
    family.ForEach([&](const LabelValues& values, const Metric& metric) {
        out += family.Name() + LabelSet(family.Labels(), values) + " " + FormatSampleValue(metric.Value()) + "\n";
    });
}

void RenderFamily(std::string& out, const Family<Counter>& family) {
    RenderSimple(out, family, "counter");
}
void RenderFamily(std::string& out, const Family<Gauge>& family) {
    RenderSimple(out, family, "gauge");
}

void RenderFamily(std::string& out, const Family<Histogram>& family) {
    Header(out, family.Name(), family.Help(), "histogram");
    family.ForEach([&](const LabelValues& values, const Histogram& histogram) {
        const auto snapshot = histogram.Read();
        const auto& bounds = histogram.Bounds();
        for (std::size_t i = 0; i <= bounds.size(); ++i) {
            const std::string le = i < bounds.size() ? FormatSampleValue(bounds[i]) : "+Inf";
            out += family.Name() + "_bucket" + LabelSet(family.Labels(), values, "le=\"" + le + "\"") + " " +
                   std::to_string(snapshot.cumulative[i]) + "\n";
        }
        const std::string labels = LabelSet(family.Labels(), values);
        out += family.Name() + "_sum" + labels + " " + FormatSampleValue(snapshot.sum) + "\n";
        out += family.Name() + "_count" + labels + " " + std::to_string(snapshot.cumulative.back()) + "\n";
    });
}

}  // namespace

namespace {

// [a-zA-Z_:][a-zA-Z0-9_:]*, the Prometheus metric name syntax.
bool IsValidMetricName(std::string_view name) {
    const auto allowed = [](char c, bool first) {
        return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
               (!first && std::isdigit(static_cast<unsigned char>(c)));
    };
    if (name.empty() || !allowed(name[0], true)) {
        return false;
    }
    return std::all_of(name.begin() + 1, name.end(), [&](char c) { return allowed(c, false); });
}

}  // namespace

template <typename Metric>
Family<Metric>& MetricsRegistry::Add(std::unique_ptr<Family<Metric>> family) {
    if (!IsValidMetricName(family->Name())) {
        throw std::invalid_argument("invalid metric name: " + family->Name());
    }
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
        if (std::visit([](const auto& existing) { return existing->Name(); }, entry) == family->Name()) {
            throw std::invalid_argument("metric declared twice: " + family->Name());
        }
    }
    auto& added = *family;
    entries_.emplace_back(std::move(family));
    return added;
}

Family<Counter>& MetricsRegistry::AddCounter(std::string name, std::string help, std::vector<std::string> labels) {
    return Add(std::make_unique<Family<Counter>>(std::move(name), std::move(help), std::move(labels)));
}

Family<Gauge>& MetricsRegistry::AddGauge(std::string name, std::string help, std::vector<std::string> labels) {
    return Add(std::make_unique<Family<Gauge>>(std::move(name), std::move(help), std::move(labels)));
}

Family<Histogram>& MetricsRegistry::AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                                 std::vector<double> bounds) {
    return Add(
        std::make_unique<Family<Histogram>>(std::move(name), std::move(help), std::move(labels), std::move(bounds)));
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
    std::string out;
    for (const auto& entry : entries_) {
        std::visit([&](const auto& family) { RenderFamily(out, *family); }, entry);
    }
    return out;
}

}  // namespace bulkmsg::app
