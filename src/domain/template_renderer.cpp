#include "domain/template_renderer.hpp"

#include <algorithm>
#include <charconv>

#include <kainjow/mustache.hpp>

namespace bulkmsg::domain {

namespace mstch = kainjow::mustache;

namespace {

mstch::data ToData(const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::object: {
            mstch::data object{mstch::data::type::object};
            for (const auto& [key, item] : value.items()) {
                object.set(key, ToData(item));
            }
            return object;
        }
        case nlohmann::json::value_t::array: {
            mstch::data list{mstch::data::type::list};
            for (const auto& item : value) {
                list.push_back(ToData(item));
            }
            return list;
        }
        case nlohmann::json::value_t::string: return mstch::data(value.get<std::string>());
        case nlohmann::json::value_t::boolean: return mstch::data(value.get<bool>());
        case nlohmann::json::value_t::null: return mstch::data(false);
        default: return mstch::data(value.dump());
    }
}

}  // namespace

struct MustacheTemplate::Compiled {
    explicit Compiled(const std::string& source) : tmpl(source) {}
    mstch::mustache tmpl;
};

MustacheTemplate::MustacheTemplate(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
MustacheTemplate::~MustacheTemplate() = default;
MustacheTemplate::MustacheTemplate(MustacheTemplate&&) noexcept = default;
MustacheTemplate& MustacheTemplate::operator=(MustacheTemplate&&) noexcept = default;

std::optional<MustacheTemplate> MustacheTemplate::Parse(const std::string& source, Escaping escaping,
                                                        std::string& error) {
    auto compiled = std::make_unique<Compiled>(source);
    if (!compiled->tmpl.is_valid()) {
        error = compiled->tmpl.error_message();
        return std::nullopt;
    }
    if (escaping == Escaping::kNone) {
        compiled->tmpl.set_custom_escape([](const std::string& text) { return text; });
    }
    return MustacheTemplate(std::move(compiled));
}

std::string MustacheTemplate::Render(const nlohmann::json& context,
                                     const std::map<std::string, std::string>& partials) {
    auto data = ToData(context);
    for (const auto& [name, partial] : partials) {
        data.set(name, mstch::partial([text = partial] { return text; }));
    }
    return compiled_->tmpl.render(data);
}

std::optional<TextPosition> ErrorPosition(std::string_view source, std::string_view error) {
    const auto at = error.rfind(" at ");
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const auto digits = error.substr(at + 4);
    std::size_t offset = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
    if (ec != std::errc{} || end != digits.data() + digits.size() || offset >= source.size()) {
        return std::nullopt;
    }
    const auto before = source.substr(0, offset);
    const auto line_start = before.rfind('\n');
    return TextPosition{static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n')) + 1,
                        offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1};
}

}  // namespace bulkmsg::domain
