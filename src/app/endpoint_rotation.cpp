#include "app/endpoint_rotation.hpp"

#include <stdexcept>

namespace bulkmsg::app {

EndpointRotation::EndpointRotation(std::size_t count) : count_(count) {
    if (count == 0) {
        throw std::invalid_argument("EndpointRotation needs at least one endpoint");
    }
}

std::vector<std::size_t> EndpointRotation::Order() const {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < count_; ++i) {
        order.push_back((start_ + i) % count_);
    }
    return order;
}

bool EndpointRotation::Connected(std::size_t index) {
    const bool failover = previous_.has_value() && *previous_ != index;
    start_ = index % count_;
    current_ = start_;
    previous_ = start_;
    return failover;
}

void EndpointRotation::Lost() {
    if (current_) {
        start_ = (*current_ + 1) % count_;
        current_.reset();
    }
}

}  // namespace bulkmsg::app
