#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace bulkmsg::domain {

/// The two JWT algorithms the providers use: ES256 (APNs provider tokens, raw R||S signature) and RS256
/// (Google service-account assertions).
enum class JwtAlgorithm { kEs256, kRs256 };

/// Signs `claims` with a PEM private key (PKCS#8 or traditional). `headers` adds e.g. "kid".
/// Throws std::invalid_argument when the key does not fit the algorithm.
std::string SignJwt(JwtAlgorithm algorithm, std::string_view private_key_pem,
                    const std::map<std::string, std::string>& headers, const nlohmann::json& claims);

struct VerifiedJwt {
    nlohmann::json header;
    nlohmann::json claims;
};

/// The header and claims of `token` when its signature verifies with `public_key_pem` under `algorithm`;
/// nullopt for a malformed token, another algorithm or a bad signature. Checks no time claims.
std::optional<VerifiedJwt> VerifyJwt(std::string_view token, JwtAlgorithm algorithm, std::string_view public_key_pem);

}  // namespace bulkmsg::domain
