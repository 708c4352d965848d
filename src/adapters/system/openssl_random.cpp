#include "adapters/system/openssl_random.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace bulkmsg::system {

std::array<std::uint8_t, 32> OpenSslRandom::Bytes32() {
    std::array<std::uint8_t, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("the system random generator failed");
    }
    return bytes;
}

}  // namespace bulkmsg::system
