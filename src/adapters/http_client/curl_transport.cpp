#include "adapters/http_client/curl_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace bulkmsg::http {

namespace {

void GlobalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/// One request and what has arrived of its answer. Owns the memory curl reads from during the transfer.
struct Transfer {
    domain::ProviderRequest request;
    app::HttpTransport::Done done;
    curl_slist* headers = nullptr;
    domain::ProviderResponse response;
    char error[CURL_ERROR_SIZE] = {};

    ~Transfer() { curl_slist_free_all(headers); }
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
    static_cast<Transfer*>(user)->response.body.append(data, size * count);
    return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto& headers = static_cast<Transfer*>(user)->response.headers;
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        headers.clear();  // a new response (after 100 Continue or a redirect)
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        auto value = line.substr(colon + 1);
        const auto first = value.find_first_not_of(" \t");
        const auto last = value.find_last_not_of(" \t\r\n");
        headers[name] = first == std::string_view::npos ? "" : std::string(value.substr(first, last - first + 1));
    }
    return size * count;
}

void Configure(CURL* easy, Transfer& t, const CurlTransportOptions& options) {
    curl_easy_setopt(easy, CURLOPT_URL, t.request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, t.request.method.c_str());
    if (t.request.method == "POST" || !t.request.body.empty()) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, t.request.body.data());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.request.body.size()));
    }
    for (const auto& [name, value] : t.request.headers) {
        t.headers = curl_slist_append(t.headers, (name + ": " + value).c_str());
    }
    t.headers = curl_slist_append(t.headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t.headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t.error);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options.ca_file.empty()) {
        curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
    }
    if (t.request.url.starts_with("https://")) {
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
        curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);  // wait for the existing connection to multiplex on
    } else {
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    }
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &t);
}

app::TransportResult Result(CURL* easy, CURLcode code, Transfer& t) {
    if (code != CURLE_OK) {
        std::string error = curl_easy_strerror(code);
        if (t.error[0] != '\0') {
            error += ": " + std::string(t.error);
        }
        return {{}, error};
    }
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &t.response.status);
    return {std::move(t.response), ""};
}

}  // namespace

struct CurlTransport::Impl {
    CurlTransportOptions options;
    CURLM* multi = nullptr;
    std::vector<CURL*> idle;  // finished easy handles, reset and reused
    std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;

    CURL* TakeEasy() {
        if (idle.empty()) {
            CURL* easy = curl_easy_init();
            if (easy == nullptr) {
                throw std::runtime_error("curl_easy_init failed");
            }
            return easy;
        }
        CURL* easy = idle.back();
        idle.pop_back();
        curl_easy_reset(easy);
        return easy;
    }

    /// Removes finished transfers and runs their callbacks (which may submit new transfers).
    void Collect() {
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
            if (msg->msg != CURLMSG_DONE) {
                continue;
            }
            CURL* easy = msg->easy_handle;
            const CURLcode code = msg->data.result;
            curl_multi_remove_handle(multi, easy);
            auto node = active.extract(easy);
            auto result = Result(easy, code, *node.mapped());
            idle.push_back(easy);
            node.mapped()->done(std::move(result));
        }
    }
};

CurlTransport::CurlTransport(CurlTransportOptions options) : impl_(std::make_unique<Impl>()) {
    GlobalInit();
    impl_->options = std::move(options);
    impl_->multi = curl_multi_init();
    if (impl_->multi == nullptr) {
        throw std::runtime_error("curl_multi_init failed");
    }
    curl_multi_setopt(impl_->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, 256L);
}

CurlTransport::~CurlTransport() {
    for (auto& [easy, transfer] : impl_->active) {
        curl_multi_remove_handle(impl_->multi, easy);
        curl_easy_cleanup(easy);
    }
    for (CURL* easy : impl_->idle) {
        curl_easy_cleanup(easy);
    }
    curl_multi_cleanup(impl_->multi);
}

void CurlTransport::Submit(domain::ProviderRequest request, Done done) {
    auto transfer = std::make_unique<Transfer>();
    transfer->request = std::move(request);
    transfer->done = std::move(done);
    CURL* easy = impl_->TakeEasy();
    Configure(easy, *transfer, impl_->options);
    impl_->active.emplace(easy, std::move(transfer));
    curl_multi_add_handle(impl_->multi, easy);
}

void CurlTransport::Poll(std::chrono::milliseconds max_wait) {
    int running = 0;
    curl_multi_perform(impl_->multi, &running);
    impl_->Collect();
    if (running > 0 && max_wait.count() > 0) {
        curl_multi_poll(impl_->multi, nullptr, 0, static_cast<int>(max_wait.count()), nullptr);
        curl_multi_perform(impl_->multi, &running);
        impl_->Collect();
    }
}

std::size_t CurlTransport::InFlight() const {
    return impl_->active.size();
}

app::TransportResult FetchOnce(const domain::ProviderRequest& request, const CurlTransportOptions& options) {
    GlobalInit();
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
    Transfer transfer;
    transfer.request = request;
    Configure(easy.get(), transfer, options);
    const CURLcode code = curl_easy_perform(easy.get());
    return Result(easy.get(), code, transfer);
}

}  // namespace bulkmsg::http
