#include "app/http_types.hpp"

namespace bulkmsg::app {

HttpResponse JsonError(unsigned status, const std::string& code, const std::string& message,
                       const nlohmann::json& details) {
    return JsonResponse(status, {{"error", {{"code", code}, {"message", message}, {"details", details}}}});
}

HttpResponse JsonResponse(unsigned status, const nlohmann::json& body) {
    HttpResponse response;
    response.status = status;
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return response;
}

void ForEachBodyChunk(const HttpRequest& request, std::size_t chunk_size,
                      const std::function<void(std::string_view)>& consume) {
    if (request.body_stream == nullptr) {
        for (std::size_t offset = 0; offset < request.body.size(); offset += chunk_size) {
            consume(std::string_view(request.body).substr(offset, chunk_size));
        }
        return;
    }
    std::string_view chunk;
    while (request.body_stream->Next(chunk)) {
        for (std::size_t offset = 0; offset < chunk.size(); offset += chunk_size) {
            consume(chunk.substr(offset, chunk_size));
        }
    }
}

}  // namespace bulkmsg::app
