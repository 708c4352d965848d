#include "webhook_signer.hpp"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdexcept>

#include "domain/providers/http_codec.hpp"
#include "domain/providers/webhook_signature.hpp"

namespace bulkmsg::sim {

namespace {

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

EVP_PKEY* LoadP256(const std::string& pem) {
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                        BIO_free);
    EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    char group[64] = {0};
    std::size_t length = 0;
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
        EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &length) != 1 ||
        std::string(group) != "prime256v1") {
        EVP_PKEY_free(key);
        throw std::invalid_argument("the SendGrid webhook key must be a PEM EC P-256 private key");
    }
    return key;
}

}  // namespace

SendgridSigner::SendgridSigner(const std::string& private_key_pem) : key_(LoadP256(private_key_pem)) {}

SendgridSigner::~SendgridSigner() {
    EVP_PKEY_free(key_);
}

std::string SendgridSigner::Sign(std::string_view timestamp, std::string_view body) const {
    std::string data(timestamp);
    data += body;
    const std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
            1) {
        throw std::runtime_error("ECDSA signing failed");
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
        throw std::runtime_error("ECDSA signing failed");
    }
    signature.resize(length);
    return domain::Base64Encode(signature);
}

std::string SendgridSigner::PublicKeyBase64() const {
    unsigned char* der = nullptr;
    const int length = i2d_PUBKEY(key_, &der);
    if (length <= 0) {
        throw std::runtime_error("cannot encode the public key");
    }
    std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return domain::Base64Encode(bytes);
}

domain::ProviderRequest SendgridWebhookRequest(const SendgridSigner& signer, const std::string& url,
                                               const std::string& body, std::int64_t timestamp) {
    const auto stamp = std::to_string(timestamp);
    domain::ProviderRequest request;
    request.url = url;
    request.headers = {{"Content-Type", "application/json"},
                       {"User-Agent", "SendGrid Event API"},
                       {"X-Twilio-Email-Event-Webhook-Signature", signer.Sign(stamp, body)},
                       {"X-Twilio-Email-Event-Webhook-Timestamp", stamp}};
    request.body = body;
    return request;
}

domain::ProviderRequest TwilioWebhookRequest(const std::string& auth_token, const TwilioPost& post) {
    domain::ProviderRequest request;
    request.url = post.url;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"User-Agent", "TwilioProxy/1.1"},
                       {"I-Twilio-Idempotency-Token", post.idempotency_token},
                       {"X-Twilio-Signature", domain::TwilioSignature(auth_token, post.url, post.form)}};
    request.body = domain::FormEncode(post.form);
    return request;
}

}  // namespace bulkmsg::sim
