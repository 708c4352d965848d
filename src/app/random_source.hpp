#pragma once

#include <array>
#include <cstdint>
#include <random>

namespace bulkmsg::app {

/// Randomness (port), injected so jitter and generated ids are deterministic in tests.
class RandomSource {
public:
    virtual ~RandomSource() = default;
    /// Uniform in [0, 1).
    virtual double Unit() = 0;
    virtual std::array<std::uint8_t, 24> Bytes24() = 0;
};

/// Unpredictable bytes for secrets: session ids, CSRF tokens, password salts (port). Thread-safe.
class SecureRandom {
public:
    virtual ~SecureRandom() = default;
    virtual std::array<std::uint8_t, 32> Bytes32() = 0;
};

/// Seeded from std::random_device; one per thread.
class SystemRandom final : public RandomSource {
public:
    SystemRandom() : engine_(std::random_device{}()) {}
    double Unit() override { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }
    std::array<std::uint8_t, 24> Bytes24() override {
        std::array<std::uint8_t, 24> bytes{};
        for (auto& b : bytes) {
            b = static_cast<std::uint8_t>(engine_() & 0xff);
        }
        return bytes;
    }

private:
    std::mt19937_64 engine_;
};

}  // namespace bulkmsg::app
