#include "domain/providers/webhook_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

namespace bulkmsg::domain {

namespace {

struct PkeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// The URL with ":443"/":80" added to the host when it has no port, or removed when it has the default one.
std::string WithOtherPortForm(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::string(url);
    }
    const auto scheme = url.substr(0, scheme_end);
    const std::string port = scheme == "https" ? ":443" : ":80";
    const auto host_start = scheme_end + 3;
    const auto host_end = std::min(url.find_first_of("/?", host_start), url.size());
    const auto host = url.substr(host_start, host_end - host_start);
    std::string out(url.substr(0, host_start));
    if (host.ends_with(port)) {
        out += host.substr(0, host.size() - port.size());
    } else if (host.find(':') == std::string_view::npos) {
        out += std::string(host) + port;
    } else {
        out += host;
    }
    return out + std::string(url.substr(host_end));
}

}  // namespace

bool VerifySendgridEventSignature(std::string_view public_key_base64, std::string_view signature_base64,
                                  std::string_view timestamp, std::string_view raw_body) {
    std::string key_der;
    std::string signature;
    try {
        key_der = Base64Decode(public_key_base64);
        signature = Base64Decode(signature_base64);
    } catch (const std::invalid_argument&) {
        return false;
    }
    const auto* cursor = reinterpret_cast<const unsigned char*>(key_der.data());
    const std::unique_ptr<EVP_PKEY, PkeyDeleter> key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(key_der.size())));
    const std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
        return false;
    }
    std::string signed_bytes(timestamp);
    signed_bytes += raw_body;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(signed_bytes.data()), signed_bytes.size()) == 1;
}

std::string TwilioSignature(std::string_view auth_token, std::string_view url, const FormFields& params) {
    auto sorted = params;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::string data(url);
    for (const auto& [name, value] : sorted) {
        data += name + value;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
    return Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

bool VerifyTwilioSignature(std::string_view auth_token, std::string_view url, const FormFields& params,
                           std::string_view signature) {
    return ConstantTimeEquals(TwilioSignature(auth_token, url, params), signature) ||
           ConstantTimeEquals(TwilioSignature(auth_token, WithOtherPortForm(url), params), signature);
}

}  // namespace bulkmsg::domain
