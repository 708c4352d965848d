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
    const auto split = [&](std::string_view piece) {
        for (std::size_t offset = 0; offset < piece.size(); offset += chunk_size) {
            consume(piece.substr(offset, chunk_size));
        }
    };
    if (request.body_stream == nullptr) {
        return split(request.body);
    }
    for (std::string_view chunk; request.body_stream->Next(chunk);) {
        split(chunk);
    }
}

}  // namespace bulkmsg::app
