// libFuzzer target: the .env file parser. Any input either parses or throws EnvFileError.
#include <cstdint>
#include <string_view>

#include "domain/env_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        bulkmsg::domain::ParseEnvFile(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const bulkmsg::domain::EnvFileError&) {
        // A reported syntax error is the expected outcome for most inputs.
    }
    return 0;
}
