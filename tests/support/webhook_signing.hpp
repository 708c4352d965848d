#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace bulkmsg::testing {

/// A fresh EC P-256 key pair that signs SendGrid event webhooks as SendGrid does: ECDSA/SHA-256 over
/// `timestamp || body`, DER signature in base64; PublicKey() is the base64 DER SubjectPublicKeyInfo.
class SendgridSigner {
public:
    SendgridSigner();
    ~SendgridSigner();
    SendgridSigner(const SendgridSigner&) = delete;
    SendgridSigner& operator=(const SendgridSigner&) = delete;

    std::string PublicKey() const;
    std::string Sign(std::string_view timestamp, std::string_view body) const;

private:
    struct Key;
    std::unique_ptr<Key> key_;
};

}  // namespace bulkmsg::testing
