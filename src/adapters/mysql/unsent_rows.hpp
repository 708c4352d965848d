#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "adapters/mysql/mysql_connection.hpp"
#include "domain/channel.hpp"

namespace bulkmsg::mysql {

/// Opt-out everywhere: whoever adds a suppression (the API, a one-click unsubscribe, a STOP or a bounce from the
/// feedback webhooks, a provider's permanent error) calls this after committing it. The unsent rows (pending,
/// queued, retrying) of `addresses` in every running or paused campaign of `channel` become `suppressed`, their
/// last_error naming `source`, with one `recipient_suppressed` audit event per campaign that changed; one
/// transaction per campaign. A queued row's message still in the broker is then finished for the consumer's claim,
/// so it is not sent. Rows are found by idempotency key (the outbox's unique index). Call with no transaction open
/// on `c`. Returns the rows changed.
std::size_t SuppressUnsentRows(MysqlConnection& c, domain::Channel channel, const std::vector<std::string>& addresses,
                               const std::string& source);

}  // namespace bulkmsg::mysql
