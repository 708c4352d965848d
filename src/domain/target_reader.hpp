#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/target.hpp"

namespace bulkmsg::domain {

/// One uploaded row after validation: a Target, or the reasons it was refused. Rows are numbered from 1 in
/// upload order (for CSV, the first row after the header is row 1).
struct TargetRow {
    std::uint64_t row = 0;
    std::optional<Target> target;
    std::vector<FieldError> errors;
};

using TargetSink = std::function<void(TargetRow&&)>;

/// Parses a target upload incrementally: Feed it the body in chunks of any size as they arrive, then call
/// Finish. Every complete row goes to the sink as soon as it is read, so memory stays bounded by the longest
/// row, never the whole upload. A row longer than kMaxRowBytes is refused. After a structural error (e.g. a
/// JSON array that does not parse) one row with field "body" is emitted and the rest is ignored.
class TargetReader {
public:
    static constexpr std::size_t kMaxRowBytes = 64 * 1024;

    virtual ~TargetReader() = default;
    virtual void Feed(std::string_view chunk) = 0;
    virtual void Finish() = 0;
};

/// A reader for `content_type` (application/json: an array of objects; application/x-ndjson: one object per
/// line; text/csv: a header row with user_ref and optional kind and timezone, other columns become metadata).
/// Parameters such as "; charset=utf-8" are ignored. nullptr when the type is none of these.
std::unique_ptr<TargetReader> MakeTargetReader(std::string_view content_type, Channel default_kind, TargetSink sink);

}  // namespace bulkmsg::domain
