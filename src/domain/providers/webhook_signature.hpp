#pragma once

#include <string>
#include <string_view>

#include "domain/providers/http_codec.hpp"

namespace bulkmsg::domain {

/// SendGrid signed event webhook: ECDSA P-256 / SHA-256 over `timestamp || raw body`, the signature DER in
/// base64, the key a base64 DER SubjectPublicKeyInfo (as SendGrid shows it). False on any malformed input.
bool VerifySendgridEventSignature(std::string_view public_key_base64, std::string_view signature_base64,
                                  std::string_view timestamp, std::string_view raw_body);

/// Twilio `X-Twilio-Signature`: base64 HMAC-SHA1 with the auth token over the full URL followed by every form
/// parameter's name and value, sorted by name.
std::string TwilioSignature(std::string_view auth_token, std::string_view url, const FormFields& params);

/// Checks `signature` against the URL as given and with the default port added or removed (Twilio signs
/// either form behind proxies). Compares in constant time.
bool VerifyTwilioSignature(std::string_view auth_token, std::string_view url, const FormFields& params,
                           std::string_view signature);

}  // namespace bulkmsg::domain
