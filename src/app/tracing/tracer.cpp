#include "app/tracing/tracer.hpp"

#include <chrono>
#include <random>

namespace bulkmsg::app {

namespace {

std::int64_t NowNanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::array<std::uint8_t, 24> RandomBytes() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    std::array<std::uint8_t, 24> bytes{};
    for (std::size_t i = 0; i < bytes.size(); i += 8) {
        const auto word = engine();
        for (std::size_t j = 0; j < 8; ++j) {
            bytes[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
        }
    }
    return bytes;
}

}  // namespace

domain::Span Tracer::Start(std::string name, domain::SpanKind kind, std::string_view parent) const {
    return domain::StartSpan(std::move(name), kind, parent, RandomBytes(), NowNanos());
}

void Tracer::End(domain::Span& span) const {
    span.end_unix_nanos = NowNanos();
    if (auto* exporter = exporter_.load()) {
        exporter->Export(span);
    }
}

Tracer& ProcessTracer() {
    static auto* tracer = new Tracer();  // never destroyed: worker threads may end spans during exit
    return *tracer;
}

}  // namespace bulkmsg::app
