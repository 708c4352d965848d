#include "domain/providers/http_codec.hpp"

#include <openssl/evp.h>

#include <date/date.h>
#include <charconv>
#include <sstream>
#include <stdexcept>

namespace bulkmsg::domain {

std::string Base64Encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

std::string Base64Decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        throw std::invalid_argument("base64 length is not a multiple of 4");
    }
    std::string out(3 * text.size() / 4, '\0');
    const int written =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (written < 0) {
        throw std::invalid_argument("not base64");
    }
    // EVP_DecodeBlock keeps the zero bytes that padding stands for; drop one per '='.
    std::size_t padding = 0;
    for (auto it = text.rbegin(); it != text.rend() && *it == '=' && padding < 2; ++it) {
        ++padding;
    }
    out.resize(static_cast<std::size_t>(written) - padding);
    return out;
}

namespace {

void AppendEscaped(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string FormEncode(const FormFields& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) {
            out += '&';
        }
        AppendEscaped(out, name);
        out += '=';
        AppendEscaped(out, value);
    }
    return out;
}

std::string PercentDecode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+' && plus_is_space) {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
            out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

FormFields ParseForm(std::string_view body) {
    FormFields fields;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const auto pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        fields.emplace_back(PercentDecode(pair.substr(0, eq), true),
                            eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true));
    }
    return fields;
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, TimePoint now) {
    while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc{} && end == value.data() + value.size()) {
        return std::chrono::seconds(std::max<std::int64_t>(seconds, 0));
    }
    std::istringstream in{std::string(value)};
    date::sys_seconds when;
    in >> date::parse("%a, %d %b %Y %H:%M:%S GMT", when);
    if (in.fail()) {
        return std::nullopt;
    }
    const auto wait = std::chrono::duration_cast<std::chrono::seconds>(when - now);
    return std::max(wait, std::chrono::seconds(0));
}

std::string ShortReason(std::string_view text, std::size_t max) {
    if (text.size() <= max) {
        return std::string(text);
    }
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    return std::string(text.substr(0, cut));
}

}  // namespace bulkmsg::domain
