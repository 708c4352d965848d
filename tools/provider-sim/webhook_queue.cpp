#include "webhook_queue.hpp"

#include <algorithm>

namespace bulkmsg::sim {

void RetryQueue::Add(std::vector<WebhookPost> chain, TimePoint due) {
    if (chain.empty()) {
        return;
    }
    for (const auto& post : chain) {
        pending_ += post.items.size();
    }
    const auto id = next_id_++;
    chains_.emplace(id, Chain{std::move(chain)});
    due_.emplace(due, id);
}

std::vector<WebhookJob> RetryQueue::TakeDue(TimePoint now, std::size_t max) {
    std::vector<WebhookJob> jobs;
    while (jobs.size() < max && !due_.empty() && due_.begin()->first <= now) {
        const auto id = due_.begin()->second;
        due_.erase(due_.begin());
        const auto& chain = chains_.at(id);
        jobs.push_back({id, chain.posts[chain.next].build(now)});
    }
    return jobs;
}

std::optional<WebhookPost> RetryQueue::Finish(std::uint64_t id, bool ok, TimePoint now) {
    const auto it = chains_.find(id);
    if (it == chains_.end()) {
        return std::nullopt;
    }
    auto& chain = it->second;
    if (!ok) {
        ++chain.failures;
        const auto doublings = std::min(chain.failures - 1, 16u);
        due_.emplace(now + std::min<std::chrono::milliseconds>(policy_.first * (1ll << doublings), policy_.max), id);
        return std::nullopt;
    }
    auto post = std::move(chain.posts[chain.next++]);
    pending_ -= post.items.size();
    chain.failures = 0;
    if (chain.next == chain.posts.size()) {
        chains_.erase(it);
    } else {
        due_.emplace(now, id);
    }
    return post;
}

std::optional<TimePoint> RetryQueue::NextDue() const {
    if (due_.empty()) {
        return std::nullopt;
    }
    return due_.begin()->first;
}

void RetryQueue::ClearWaiting() {
    for (const auto& [due, id] : due_) {
        const auto it = chains_.find(id);
        for (auto post = it->second.posts.begin() + it->second.next; post != it->second.posts.end(); ++post) {
            pending_ -= post->items.size();
        }
        chains_.erase(it);
    }
    due_.clear();
}

void SendgridBatcher::Add(std::vector<SendgridEvent> events, TimePoint now) {
    for (auto& event : events) {
        if (event.later) {
            later_.push_back({now + flush_interval_, std::move(event)});
        } else {
            ready_.push_back({now, std::move(event)});
        }
    }
}

std::optional<std::vector<SendgridEvent>> SendgridBatcher::Take(TimePoint now) {
    std::optional<std::vector<SendgridEvent>> batch;
    if (!ready_.empty() && (ready_.size() >= max_events_ || ready_.front().since + flush_interval_ <= now)) {
        batch.emplace();
        while (!ready_.empty() && batch->size() < max_events_) {
            batch->push_back(std::move(ready_.front().event));
            ready_.pop_front();
        }
    }
    // After the cut, so that an event maturing now waits for the next batch.
    while (!later_.empty() && later_.front().since <= now) {
        ready_.push_back(std::move(later_.front()));
        later_.pop_front();
    }
    return batch;
}

std::optional<TimePoint> SendgridBatcher::NextDue() const {
    std::optional<TimePoint> due;
    if (!ready_.empty()) {
        due = ready_.size() >= max_events_ ? ready_.front().since : ready_.front().since + flush_interval_;
    }
    if (!later_.empty() && (!due || later_.front().since < *due)) {
        due = later_.front().since;
    }
    return due;
}

void SendgridBatcher::Clear() {
    ready_.clear();
    later_.clear();
}

std::string BatchBody(const std::vector<SendgridEvent>& events) {
    std::string body = "[";
    for (const auto& e : events) {
        if (body.size() > 1) {
            body += ',';
        }
        body += e.event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return body + "]";
}

}  // namespace bulkmsg::sim
