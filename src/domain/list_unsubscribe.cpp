#include "domain/list_unsubscribe.hpp"

namespace bulkmsg::domain {

namespace {

/// The host of an http(s) URL (without port): the List-Id namespace, a domain the operator controls.
std::string HostOf(const std::string& url) {
    const auto scheme = url.find("://");
    const auto start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto end = url.find_first_of(":/", start);
    return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

UnsubscribeLinks UnsubscribeLinksOf(const Config& config) {
    return {config.public_base_url,
            {config.unsubscribe.secret, config.unsubscribe.previous_secret},
            config.unsubscribe.mailto};
}

std::string UnsubscribeUrl(const UnsubscribeLinks& links, const UnsubscribeSubject& subject) {
    return links.base_url + "/u/" + IssueUnsubscribeToken(subject, links.keys);
}

nlohmann::json ListUnsubscribeHeaders(const UnsubscribeLinks& links, const std::string& url,
                                      std::uint64_t campaign_id) {
    std::string unsubscribe = "<" + url + ">";
    if (!links.mailto.empty()) {
        unsubscribe += ", <mailto:" + links.mailto + "?subject=unsubscribe>";
    }
    const auto id = std::to_string(campaign_id);
    return {{"List-Unsubscribe", unsubscribe},
            {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
            {"List-Id", "campaign " + id + " <campaign-" + id + "." + HostOf(links.base_url) + ">"}};
}

}  // namespace bulkmsg::domain
