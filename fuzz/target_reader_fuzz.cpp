// libFuzzer target: the CSV, NDJSON and JSON-array target upload parsers, fed in chunks of varying size.
// Byte 0 picks the format, byte 1 the chunk size; the rest is the upload body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "domain/target_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    static constexpr const char* kTypes[] = {"text/csv", "application/x-ndjson", "application/json"};
    const auto* type = kTypes[data[0] % 3];
    const std::size_t chunk = 1 + data[1];
    const std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);
    std::uint64_t last_row = 0;
    auto reader = bulkmsg::domain::MakeTargetReader(type, bulkmsg::domain::Channel::kEmail,
                                                    [&](bulkmsg::domain::TargetRow&& row) {
                                                        // Rows arrive in order, each either a target or errors.
                                                        if (row.row < last_row || row.target.has_value() == !row.errors.empty() ||
                                                            (row.target && row.target->user_ref.empty())) {
                                                            std::abort();
                                                        }
                                                        last_row = row.row;
                                                    });
    for (std::size_t offset = 0; offset < body.size(); offset += chunk) {
        reader->Feed(body.substr(offset, chunk));
    }
    reader->Finish();
    return 0;
}
