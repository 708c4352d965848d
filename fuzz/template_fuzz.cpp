// libFuzzer target: Mustache template parsing and rendering. The input is a template, then a NUL byte, then a JSON
// context (rendered only when it parses).
#include <cstdint>
#include <string>

#include "domain/template_renderer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const auto split = input.find('\0');
    const std::string source = input.substr(0, split);
    const auto context = split == std::string::npos
                             ? nlohmann::json::object()
                             : nlohmann::json::parse(input.substr(split + 1), nullptr, false);
    for (auto escaping : {bulkmsg::domain::Escaping::kHtml, bulkmsg::domain::Escaping::kNone}) {
        std::string error;
        auto parsed = bulkmsg::domain::MustacheTemplate::Parse(source, escaping, error);
        if (parsed && !context.is_discarded()) {
            parsed->Render(context);  // as preparation renders: no partials, so `{{> name}}` renders empty
        }
    }
    return 0;
}
