#include "domain/unsubscribe_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

namespace bulkmsg::domain {

namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kSubjectBytes = 18;
constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kTokenBytes = kSubjectBytes + kMacBytes;
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using Mac = std::array<unsigned char, EVP_MAX_MD_SIZE>;

void PutUint64(std::string& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((value >> shift) & 0xff));
    }
}

std::uint64_t GetUint64(std::string_view in) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        value = (value << 8) | static_cast<unsigned char>(in[i]);
    }
    return value;
}

Mac Sign(std::string_view key, std::string_view subject) {
    const std::string message = "bulkmsg-unsubscribe:" + std::string(subject);
    Mac mac{};
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
         message.size(), mac.data(), &length);
    return mac;
}

/// base64url without padding (RFC 4648 §5).
std::string Encode(std::string_view bytes) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
        }
    }
    if (bits > 0) {
        out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
    }
    return out;
}

/// Decodes unpadded base64url; nullopt on a character outside the alphabet.
std::optional<std::string> Decode(std::string_view text) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const auto index = kAlphabet.find(c);
        if (index == std::string_view::npos) {
            return std::nullopt;
        }
        buffer = (buffer << 6) | static_cast<std::uint32_t>(index);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return out;
}

bool MacMatches(std::string_view key, std::string_view subject, std::string_view mac) {
    return !key.empty() && CRYPTO_memcmp(Sign(key, subject).data(), mac.data(), kMacBytes) == 0;
}

}  // namespace

std::string IssueUnsubscribeToken(const UnsubscribeSubject& subject, const UnsubscribeKeys& keys) {
    if (keys.current.empty()) {
        throw std::invalid_argument("unsubscribe tokens need UNSUBSCRIBE_SECRET");
    }
    std::string bytes;
    bytes.push_back(static_cast<char>(kVersion));
    bytes.push_back(static_cast<char>(subject.channel));
    PutUint64(bytes, subject.campaign_id);
    PutUint64(bytes, subject.target_id);
    const auto mac = Sign(keys.current, bytes);
    bytes.append(reinterpret_cast<const char*>(mac.data()), kMacBytes);
    return Encode(bytes);
}

std::optional<UnsubscribeSubject> VerifyUnsubscribeToken(std::string_view token, const UnsubscribeKeys& keys) {
    if (token.size() != (kTokenBytes * 8 + 5) / 6) {
        return std::nullopt;
    }
    const auto bytes = Decode(token);
    if (!bytes || bytes->size() != kTokenBytes || Encode(*bytes) != token) {
        return std::nullopt;
    }
    const std::string_view view(*bytes);
    const auto subject = view.substr(0, kSubjectBytes);
    const auto mac = view.substr(kSubjectBytes);
    // Both keys are always checked, so the time taken does not tell which one matched.
    const bool current = MacMatches(keys.current, subject, mac);
    const bool previous = MacMatches(keys.previous, subject, mac);
    const auto channel = static_cast<unsigned char>(view[1]);
    if (!(current || previous) || static_cast<unsigned char>(view[0]) != kVersion ||
        channel > static_cast<unsigned char>(Channel::kPush)) {
        return std::nullopt;
    }
    return UnsubscribeSubject{static_cast<Channel>(channel), GetUint64(view.substr(2)), GetUint64(view.substr(10))};
}

}  // namespace bulkmsg::domain
