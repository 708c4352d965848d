#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace bulkmsg::app {

/// Which of several broker endpoints (0..count-1) a connection owner tries next. A connect attempt walks
/// Order() and reports the first that answered with Connected(); after a connection loss, Lost() makes the
/// next attempt start at the endpoint after the lost one (round-robin), so a dead node is tried last.
/// Not thread-safe: one per connection owner.
class EndpointRotation {
public:
    explicit EndpointRotation(std::size_t count);

    /// Every endpoint once, starting where the next attempt should.
    std::vector<std::size_t> Order() const;
    /// Records a successful connection to `index`; true when it is a failover (an earlier connection of this
    /// owner was to a different endpoint).
    bool Connected(std::size_t index);
    /// The current connection was lost: the next attempt starts after its endpoint. Nothing when not connected.
    void Lost();
    /// The endpoint of the current connection, if any.
    std::optional<std::size_t> Current() const { return current_; }
    /// The endpoint of the last connection made (open or lost), if any.
    std::optional<std::size_t> Previous() const { return previous_; }

private:
    std::size_t count_;
    std::size_t start_ = 0;
    std::optional<std::size_t> current_;
    std::optional<std::size_t> previous_;  // endpoint of the last connection made
};

}  // namespace bulkmsg::app
