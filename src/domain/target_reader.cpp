#include "domain/target_reader.hpp"

#include <algorithm>
#include <string>

namespace bulkmsg::domain {

namespace {

// Common to all formats: numbering rows, validating them, and stopping after a structural error.
class ReaderBase : public TargetReader {
public:
    ReaderBase(Channel default_kind, TargetSink sink) : default_kind_(default_kind), sink_(std::move(sink)) {}

protected:
    void EmitJson(const nlohmann::json& object) {
        TargetRow row{++rows_, std::nullopt, {}};
        row.target = TargetFromJson(object, default_kind_, row.errors);
        sink_(std::move(row));
    }
    void EmitError(std::string field, std::string reason) {
        sink_(TargetRow{++rows_, std::nullopt, {{std::move(field), std::move(reason)}}});
    }
    void FailBody(const std::string& reason) {
        if (!failed_) {
            failed_ = true;
            sink_(TargetRow{rows_ + 1, std::nullopt, {{"body", reason}}});
        }
    }
    bool failed_ = false;

private:
    Channel default_kind_;
    TargetSink sink_;
    std::uint64_t rows_ = 0;
};

// application/x-ndjson: one JSON object per line; blank lines are skipped.
class NdjsonReader final : public ReaderBase {
public:
    using ReaderBase::ReaderBase;

    void Feed(std::string_view chunk) override {
        for (char c : chunk) {
            if (c == '\n') {
                EndLine();
            } else if (!too_long_ && line_.size() >= kMaxRowBytes) {
                too_long_ = true;
            } else if (!too_long_) {
                line_ += c;
            }
        }
    }
    void Finish() override { EndLine(); }

private:
    void EndLine() {
        if (too_long_) {
            EmitError("row", "longer than " + std::to_string(kMaxRowBytes) + " bytes");
        } else if (line_.find_first_not_of(" \t\r") != std::string::npos) {
            auto object = nlohmann::json::parse(line_, nullptr, false);
            if (object.is_discarded()) {
                EmitError("row", "is not valid JSON");
            } else {
                EmitJson(object);
            }
        }
        line_.clear();
        too_long_ = false;
    }
    std::string line_;
    bool too_long_ = false;
};

// application/json: a top-level array; each element is cut out by tracking strings and nesting, then parsed
// on its own, so the array is never held whole.
class JsonArrayReader final : public ReaderBase {
public:
    using ReaderBase::ReaderBase;

    void Feed(std::string_view chunk) override {
        for (char c : chunk) {
            if (failed_ || done_) {
                if (done_ && !std::isspace(static_cast<unsigned char>(c))) {
                    FailBody("unexpected data after the closing ]");
                }
                continue;
            }
            Step(c);
        }
    }
    void Finish() override {
        if (!failed_ && !done_) {
            FailBody(started_ ? "the JSON array is not closed" : "must be a JSON array of target objects");
        }
    }

private:
    void Step(char c) {
        if (!started_) {
            if (c == '[') {
                started_ = true;
            } else if (!std::isspace(static_cast<unsigned char>(c))) {
                FailBody("must be a JSON array of target objects");
            }
            return;
        }
        if (in_string_) {
            const bool was_escaped = escaped_;
            escaped_ = !was_escaped && c == '\\';
            in_string_ = was_escaped || c != '"';
        } else if (c == '"') {
            in_string_ = true;
        } else if (c == '{' || c == '[') {
            ++depth_;
        } else if ((c == '}' || c == ']') && depth_ > 0) {
            --depth_;
        } else if (depth_ == 0 && (c == ',' || c == ']')) {
            EndElement(c == ']');
            return;
        }
        if (element_.size() >= kMaxRowBytes) {
            FailBody("an element is longer than " + std::to_string(kMaxRowBytes) + " bytes");
            return;
        }
        element_ += c;
    }

    void EndElement(bool closing) {
        const bool blank = element_.find_first_not_of(" \t\r\n") == std::string::npos;
        if (blank && !(closing && !seen_element_)) {
            FailBody("the JSON array has an empty element");
            return;
        }
        if (!blank) {
            seen_element_ = true;
            auto object = nlohmann::json::parse(element_, nullptr, false);
            if (object.is_discarded()) {
                FailBody("the JSON array does not parse");
                return;
            }
            EmitJson(object);
        }
        element_.clear();
        done_ = closing;
    }

    std::string element_;
    int depth_ = 0;
    bool started_ = false, done_ = false, in_string_ = false, escaped_ = false, seen_element_ = false;
};

// text/csv (RFC 4180): quoted fields may hold commas, doubled quotes and newlines; CRLF or LF line ends.
class CsvReader final : public ReaderBase {
public:
    using ReaderBase::ReaderBase;

    void Feed(std::string_view chunk) override {
        for (char c : chunk) {
            if (!failed_) {
                Step(c);
            }
        }
    }
    void Finish() override {
        if (failed_) {
            return;
        }
        if (in_quotes_) {
            FailBody("a quoted CSV field is not closed");
            return;
        }
        if (!field_.empty() || !fields_.empty()) {
            EndRecord();
        }
        if (header_.empty()) {
            FailBody("the CSV has no header row");
        }
    }

private:
    void Step(char c) {
        if (bytes_ >= kMaxRowBytes && !(c == '\n' && !in_quotes_)) {
            too_long_ = true;
            return;
        }
        ++bytes_;
        if (in_quotes_) {
            if (quote_pending_) {
                quote_pending_ = false;
                if (c == '"') {
                    field_ += '"';
                    return;
                }
                in_quotes_ = false;  // the quote closed the field; c is handled below
            } else if (c == '"') {
                quote_pending_ = true;
                return;
            } else {
                field_ += c;
                return;
            }
        }
        if (c == '"' && field_.empty()) {
            in_quotes_ = true;
        } else if (c == ',') {
            fields_.push_back(std::move(field_));
            field_.clear();
        } else if (c == '\n') {
            if (!field_.empty() && field_.back() == '\r') {
                field_.pop_back();
            }
            EndRecord();
        } else {
            field_ += c;
        }
    }

    void EndRecord() {
        fields_.push_back(std::move(field_));
        field_.clear();
        auto record = std::move(fields_);
        fields_.clear();
        const bool too_long = too_long_;
        too_long_ = false;
        bytes_ = 0;
        if (header_.empty()) {
            SetHeader(std::move(record));
        } else if (too_long) {
            EmitError("row", "longer than " + std::to_string(kMaxRowBytes) + " bytes");
        } else if (!(record.size() == 1 && record[0].empty())) {
            EmitRecord(record);
        }
    }

    void SetHeader(std::vector<std::string> names) {
        for (auto& name : names) {
            name.erase(0, name.find_first_not_of(" \t\xEF\xBB\xBF"));  // spaces and a UTF-8 byte order mark
            name.erase(name.find_last_not_of(" \t") + 1);
        }
        std::vector<std::string> sorted = names;
        std::sort(sorted.begin(), sorted.end());
        if (std::find(names.begin(), names.end(), "user_ref") == names.end()) {
            FailBody("the CSV header row must have a user_ref column");
        } else if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
            FailBody("the CSV header row names a column twice");
        } else if (std::find(names.begin(), names.end(), "") != names.end()) {
            FailBody("the CSV header row has an empty column name");
        }
        header_ = std::move(names);
    }

    void EmitRecord(const std::vector<std::string>& record) {
        if (record.size() != header_.size()) {
            EmitError("row", "has " + std::to_string(record.size()) + " columns, the header has " +
                                 std::to_string(header_.size()));
            return;
        }
        nlohmann::json object = {{"metadata", nlohmann::json::object()}};
        for (std::size_t i = 0; i < header_.size(); ++i) {
            const auto& name = header_[i];
            if (name == "user_ref") {
                object["user_ref"] = record[i];
            } else if (name == "kind" || name == "timezone") {
                if (!record[i].empty()) {
                    object[name] = record[i];
                }
            } else {
                object["metadata"][name] = record[i];
            }
        }
        EmitJson(object);
    }

    std::vector<std::string> header_;
    std::vector<std::string> fields_;
    std::string field_;
    std::size_t bytes_ = 0;
    bool in_quotes_ = false, quote_pending_ = false, too_long_ = false;
};

std::string_view MediaType(std::string_view content_type) {
    auto type = content_type.substr(0, content_type.find(';'));
    while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) {
        type.remove_suffix(1);
    }
    return type;
}

}  // namespace

std::unique_ptr<TargetReader> MakeTargetReader(std::string_view content_type, Channel default_kind, TargetSink sink) {
    std::string type(MediaType(content_type));
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    if (type == "application/json") {
        return std::make_unique<JsonArrayReader>(default_kind, std::move(sink));
    }
    if (type == "application/x-ndjson") {
        return std::make_unique<NdjsonReader>(default_kind, std::move(sink));
    }
    if (type == "text/csv") {
        return std::make_unique<CsvReader>(default_kind, std::move(sink));
    }
    return nullptr;
}

}  // namespace bulkmsg::domain
