#include "domain/seed_data.hpp"

#include <array>
#include <cstdio>

#include "domain/sha256.hpp"

namespace bulkmsg::domain {

std::string SeedUserRef(Channel channel, std::uint64_t index) {
    switch (channel) {
        case Channel::kEmail: return "user" + std::to_string(index) + "@example.com";
        case Channel::kSms: {
            char number[24];
            std::snprintf(number, sizeof(number), "+1555%010llu",
                          static_cast<unsigned long long>(index % 10000000000ULL));
            return number;
        }
        case Channel::kPush: return Sha256Hex("seed-device-" + std::to_string(index));
    }
    return {};
}

std::string SeedTimezone(std::uint64_t index) {
    static const std::array<const char*, 5> zones = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo",
                                                     "Australia/Sydney"};
    return zones[index % zones.size()];
}

}  // namespace bulkmsg::domain
