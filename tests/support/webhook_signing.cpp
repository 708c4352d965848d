#include "support/webhook_signing.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stdexcept>

#include "domain/providers/http_codec.hpp"

namespace bulkmsg::testing {

struct SendgridSigner::Key {
    EVP_PKEY* pkey = nullptr;
    ~Key() { EVP_PKEY_free(pkey); }
};

SendgridSigner::SendgridSigner() : key_(std::make_unique<Key>()) {
    key_->pkey = EVP_EC_gen("P-256");
    if (key_->pkey == nullptr) {
        throw std::runtime_error("cannot generate an EC P-256 key");
    }
}

SendgridSigner::~SendgridSigner() = default;

std::string SendgridSigner::PublicKey() const {
    unsigned char* der = nullptr;
    const int length = i2d_PUBKEY(key_->pkey, &der);
    std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return domain::Base64Encode(bytes);
}

std::string SendgridSigner::Sign(std::string_view timestamp, std::string_view body) const {
    std::string data(timestamp);
    data += body;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t length = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey);
    EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string signature(length, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                   reinterpret_cast<const unsigned char*>(data.data()), data.size());
    EVP_MD_CTX_free(ctx);
    signature.resize(length);
    return domain::Base64Encode(signature);
}

}  // namespace bulkmsg::testing
