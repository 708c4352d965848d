#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bulkmsg::domain {

/// The delivery channel of a campaign, target or outbox row (the `kind` column).
enum class Channel { kEmail, kSms, kPush };

std::string_view ToString(Channel channel);
std::optional<Channel> ParseChannel(std::string_view text);

}  // namespace bulkmsg::domain
