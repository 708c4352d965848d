#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bulkmsg::domain {

/// Argon2id parameters (OWASP's baseline: 19 MiB, 2 passes, 1 lane). Stored in each encoded hash, so raising them
/// later leaves existing hashes verifiable.
struct PasswordCost {
    std::uint32_t passes = 2;
    std::uint32_t memory_kib = 19 * 1024;
    std::uint32_t lanes = 1;
};

/// Salt of a password hash; callers draw it from a secure random source.
using PasswordSalt = std::array<std::uint8_t, 16>;

/// Why `password` may not be used (shorter than 12 or longer than 1024 bytes), or nullopt when it may.
std::optional<std::string> PasswordProblem(std::string_view password);

/// The PHC-encoded Argon2id hash of `password` ("$argon2id$v=19$m=…,t=…,p=…$salt$hash"). Throws
/// std::runtime_error when libargon2 fails (e.g. out of memory).
std::string HashPassword(std::string_view password, const PasswordSalt& salt, const PasswordCost& cost = {});

/// Whether `password` matches `encoded` (libargon2 compares in constant time). False for a malformed hash.
bool VerifyPassword(const std::string& encoded, std::string_view password);

}  // namespace bulkmsg::domain
