#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace bulkmsg::testing {

/// A freshly generated key pair as PEM text: PKCS#8 private key (the .p8 / service-account format) and
/// SubjectPublicKeyInfo public key.
struct PemKeyPair {
    std::string private_pem;
    std::string public_pem;
};

namespace detail {

inline std::string BioText(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

inline PemKeyPair ToPem(EVP_PKEY* raw) {
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw, EVP_PKEY_free);
    const std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), BIO_free);
    const std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), BIO_free);
    if (!key || PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
        throw std::runtime_error("key generation failed");
    }
    return {BioText(priv.get()), BioText(pub.get())};
}

}  // namespace detail

/// An EC P-256 key, like an APNs .p8 key.
inline PemKeyPair GenerateEcKey() {
    return detail::ToPem(EVP_EC_gen("P-256"));
}

/// A 2048-bit RSA key, like a Google service-account key.
inline PemKeyPair GenerateRsaKey() {
    return detail::ToPem(EVP_RSA_gen(2048));
}

}  // namespace bulkmsg::testing
