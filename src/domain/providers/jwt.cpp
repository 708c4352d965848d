#include "domain/providers/jwt.hpp"

#include <jwt.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace bulkmsg::domain {

namespace {

struct JwtDeleter {
    void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct CharDeleter {
    void operator()(char* text) const { std::free(text); }  // libjwt 1.10 has no jwt_free_str
};
using CharPtr = std::unique_ptr<char, CharDeleter>;

jwt_alg_t ToLibjwt(JwtAlgorithm algorithm) {
    return algorithm == JwtAlgorithm::kEs256 ? JWT_ALG_ES256 : JWT_ALG_RS256;
}

nlohmann::json JsonOrEmpty(char* text) {
    const CharPtr owned(text);
    return owned ? nlohmann::json::parse(owned.get(), nullptr, false) : nlohmann::json::object();
}

}  // namespace

std::string SignJwt(JwtAlgorithm algorithm, std::string_view private_key_pem,
                    const std::map<std::string, std::string>& headers, const nlohmann::json& claims) {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) {
        throw std::bad_alloc();
    }
    const JwtPtr jwt(raw);
    const std::string key(private_key_pem);
    if (jwt_set_alg(jwt.get(), ToLibjwt(algorithm), reinterpret_cast<const unsigned char*>(key.data()),
                    static_cast<int>(key.size())) != 0) {
        throw std::invalid_argument("cannot use the private key for this JWT algorithm");
    }
    for (const auto& [name, value] : headers) {
        jwt_add_header(jwt.get(), name.c_str(), value.c_str());
    }
    if (jwt_add_grants_json(jwt.get(), claims.dump().c_str()) != 0) {
        throw std::invalid_argument("JWT claims must be a JSON object");
    }
    const CharPtr token(jwt_encode_str(jwt.get()));
    if (!token) {
        throw std::invalid_argument("signing the JWT failed; is the key a valid PEM private key?");
    }
    return token.get();
}

std::optional<VerifiedJwt> VerifyJwt(std::string_view token, JwtAlgorithm algorithm, std::string_view public_key_pem) {
    const std::string text(token);
    const std::string key(public_key_pem);
    jwt_t* raw = nullptr;
    if (jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                   static_cast<int>(key.size())) != 0) {
        return std::nullopt;
    }
    const JwtPtr jwt(raw);
    if (jwt_get_alg(jwt.get()) != ToLibjwt(algorithm)) {
        return std::nullopt;
    }
    return VerifiedJwt{JsonOrEmpty(jwt_get_headers_json(jwt.get(), nullptr)),
                       JsonOrEmpty(jwt_get_grants_json(jwt.get(), nullptr))};
}

}  // namespace bulkmsg::domain
