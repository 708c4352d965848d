#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "domain/providers/provider_types.hpp"
#include "feedback_events.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace bulkmsg::sim {

/// Signs SendGrid Event Webhook batches as SendGrid does: ECDSA P-256 / SHA-256 over `timestamp || body`,
/// the DER signature in base64 (shared/docs/providers.md §1.6). Thread-safe.
class SendgridSigner {
public:
    /// Throws std::invalid_argument unless `private_key_pem` is a PEM P-256 private key (SEC1 or PKCS#8).
    explicit SendgridSigner(const std::string& private_key_pem);
    ~SendgridSigner();
    SendgridSigner(const SendgridSigner&) = delete;
    SendgridSigner& operator=(const SendgridSigner&) = delete;

    std::string Sign(std::string_view timestamp, std::string_view body) const;
    /// The matching public key as SendGrid's settings page shows it: base64 DER SubjectPublicKeyInfo.
    std::string PublicKeyBase64() const;

private:
    EVP_PKEY* key_;
};

/// SendGrid's POST of one batch (a JSON array) to `url`, signed for `timestamp` (unix seconds).
domain::ProviderRequest SendgridWebhookRequest(const SendgridSigner& signer, const std::string& url,
                                               const std::string& body, std::int64_t timestamp);

/// Twilio's form POST of `post`, with X-Twilio-Signature made with `auth_token` over its URL and fields.
domain::ProviderRequest TwilioWebhookRequest(const std::string& auth_token, const TwilioPost& post);

}  // namespace bulkmsg::sim
