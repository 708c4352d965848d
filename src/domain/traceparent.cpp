#include "domain/traceparent.hpp"

namespace bulkmsg::domain {

namespace {

constexpr char kHex[] = "0123456789abcdef";

bool IsLowerHex(std::string_view text) {
    return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool IsNonZeroHex(std::string_view text) {
    return IsLowerHex(text) && text.find_first_not_of('0') != std::string_view::npos;
}

}  // namespace

std::string MakeTraceparent(const std::array<std::uint8_t, 24>& random_bytes) {
    std::string hex;
    for (auto byte : random_bytes) {
        hex += kHex[byte >> 4];
        hex += kHex[byte & 0x0f];
    }
    std::string trace_id = hex.substr(0, 32);
    std::string span_id = hex.substr(32, 16);
    // An all-zero id is invalid; set one digit so the result always validates.
    if (!IsNonZeroHex(trace_id)) {
        trace_id.back() = '1';
    }
    if (!IsNonZeroHex(span_id)) {
        span_id.back() = '1';
    }
    return "00-" + trace_id + "-" + span_id + "-01";
}

bool IsValidTraceparent(std::string_view value) {
    return value.size() == 55 && value.substr(0, 3) == "00-" && value[35] == '-' && value[52] == '-' &&
           IsNonZeroHex(value.substr(3, 32)) && IsNonZeroHex(value.substr(36, 16)) && IsLowerHex(value.substr(53, 2));
}

}  // namespace bulkmsg::domain
