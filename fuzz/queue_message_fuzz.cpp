// libFuzzer target: the notification.queue message decoder. A body either decodes or throws QueueMessageError;
// what decodes must survive an encode/decode round trip unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "domain/queue_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace bulkmsg::domain;
    try {
        const auto message = DecodeQueueMessage(std::string_view(reinterpret_cast<const char*>(data), size));
        if (!(DecodeQueueMessage(EncodeQueueMessage(message)) == message)) {
            std::abort();
        }
    } catch (const QueueMessageError&) {
        // Malformed bodies are dead-lettered by the consumer with this error's reason.
    }
    return 0;
}
