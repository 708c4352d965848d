#include "api/unsubscribe_routes.hpp"

#include "domain/providers/http_codec.hpp"

namespace bulkmsg::api {

namespace {

app::HttpResponse Page(unsigned status, const std::string& title, const std::string& body) {
    app::HttpResponse response;
    response.status = status;
    response.content_type = "text/html; charset=utf-8";
    response.headers = {{"Cache-Control", "no-store"}, {"X-Robots-Tag", "noindex"}};
    // Recipients mostly open these links on phones: the viewport line keeps the page readable there.
    response.body =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
        "content=\"width=device-width, initial-scale=1\"><title>" +
        title + "</title></head><body><h1>" + title + "</h1>" + body + "</body></html>\n";
    return response;
}

app::HttpResponse NotValid() {
    return Page(400, "Link not valid", "<p>This unsubscribe link is not valid.</p>");
}

/// RFC 8058 §3.1: the body mailbox providers POST is exactly this form field.
bool IsOneClickBody(const app::HttpRequest& request) {
    for (const auto& [name, value] : domain::ParseForm(request.body)) {
        if (name == "List-Unsubscribe" && value == "One-Click") {
            return true;
        }
    }
    return false;
}

std::string ChannelName(domain::Channel channel) {
    switch (channel) {
        case domain::Channel::kEmail: return "email";
        case domain::Channel::kSms: return "text messages (SMS)";
        case domain::Channel::kPush: return "push notifications";
    }
    return "messages";
}

}  // namespace

bool UnsubscribeRoutes::OverRateLimit(const app::HttpRequest& request) {
    if (limiter_ == nullptr || request.peer.empty()) {
        return false;
    }
    try {
        return limiter_->Acquire("unsubscribe:" + request.peer, kRequestsPerSecond, 1, clock_.Now()) == 0;
    } catch (const std::exception&) {
        return false;  // an unsubscribe must not fail because Redis is down
    }
}

app::HttpResponse UnsubscribeRoutes::Handle(const app::HttpRequest& request) {
    if (OverRateLimit(request)) {
        auto response = Page(429, "Too many requests", "<p>Please try again in a second.</p>");
        response.headers.emplace_back("Retry-After", "1");
        return response;
    }
    const auto token = request.path.substr(3);
    if (request.method == "POST") {
        return Post(request, token);
    }
    if (request.method == "GET" || request.method == "HEAD") {
        return Get(token);
    }
    auto response = app::JsonError(405, "method_not_allowed", "use GET or POST");
    response.headers.emplace_back("Allow", "GET, POST");
    return response;
}

app::HttpResponse UnsubscribeRoutes::Post(const app::HttpRequest& request, const std::string& token) {
    if (!IsOneClickBody(request) || !service_.OneClick(token)) {
        return NotValid();
    }
    return Page(200, "Unsubscribed", "<p>You will no longer receive these messages.</p>");
}

app::HttpResponse UnsubscribeRoutes::Get(const std::string& token) {
    const auto channel = service_.Check(token);
    if (!channel) {
        return NotValid();
    }
    // Without an action the form posts to this same URL (whatever proxy prefix it has), with the RFC 8058 body.
    return Page(200, "Unsubscribe",
                "<p>Stop receiving " + ChannelName(*channel) +
                    " from this sender?</p><form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" "
                    "value=\"One-Click\"><button type=\"submit\">Unsubscribe</button></form>");
}

}  // namespace bulkmsg::api
