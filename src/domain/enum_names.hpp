#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace bulkmsg::domain {

/// The names of a typed enum whose values are 0 … N-1 in declaration order, as the database and the API spell them.
template <typename Enum, std::size_t N>
struct EnumNames {
    std::array<std::string_view, N> names;

    constexpr std::string_view Of(Enum value) const { return names[static_cast<std::size_t>(value)]; }

    /// The value named exactly `text`, if any.
    std::optional<Enum> Parse(std::string_view text) const {
        const auto it = std::find(names.begin(), names.end(), text);
        if (it == names.end()) {
            return std::nullopt;
        }
        return static_cast<Enum>(it - names.begin());
    }
};

}  // namespace bulkmsg::domain
