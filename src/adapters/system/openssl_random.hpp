#pragma once

#include "app/random_source.hpp"

namespace bulkmsg::system {

/// SecureRandom from OpenSSL's CSPRNG (RAND_bytes). Throws std::runtime_error if it fails. Thread-safe.
class OpenSslRandom final : public app::SecureRandom {
public:
    std::array<std::uint8_t, 32> Bytes32() override;
};

}  // namespace bulkmsg::system
