#include "domain/password_hash.hpp"

#include <argon2.h>

#include <stdexcept>

namespace bulkmsg::domain {

namespace {

constexpr std::size_t kMinPasswordBytes = 12;
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kHashBytes = 32;

}  // namespace

std::optional<std::string> PasswordProblem(std::string_view password) {
    if (password.size() < kMinPasswordBytes) {
        return "must be at least " + std::to_string(kMinPasswordBytes) + " characters";
    }
    if (password.size() > kMaxPasswordBytes) {
        return "must be at most " + std::to_string(kMaxPasswordBytes) + " bytes";
    }
    return std::nullopt;
}

std::string HashPassword(std::string_view password, const PasswordSalt& salt, const PasswordCost& cost) {
    std::string encoded(argon2_encodedlen(cost.passes, cost.memory_kib, cost.lanes,
                                          static_cast<std::uint32_t>(salt.size()), kHashBytes, Argon2_id),
                        '\0');
    const int rc = argon2id_hash_encoded(cost.passes, cost.memory_kib, cost.lanes, password.data(), password.size(),
                                         salt.data(), salt.size(), kHashBytes, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        throw std::runtime_error(std::string("argon2id failed: ") + argon2_error_message(rc));
    }
    encoded.resize(encoded.find('\0'));
    return encoded;
}

bool VerifyPassword(const std::string& encoded, std::string_view password) {
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace bulkmsg::domain
