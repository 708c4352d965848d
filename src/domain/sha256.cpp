#include "domain/sha256.hpp"

#include <openssl/sha.h>

#include <array>

#include "domain/secret_text.hpp"

namespace bulkmsg::domain {

std::string Sha256Hex(std::string_view data) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
    return HexOf(digest);
}

}  // namespace bulkmsg::domain
