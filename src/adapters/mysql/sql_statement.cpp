#include "adapters/mysql/sql_statement.hpp"

#include <stdexcept>

namespace bulkmsg::mysql {

void SqlStatement::AppendUpToPlaceholder(std::string_view& text) {
    const auto mark = text.find('?');
    if (mark == std::string_view::npos) {
        throw std::logic_error("SqlStatement: more values than placeholders in: " + text_);
    }
    text_.append(text.substr(0, mark));
    text.remove_prefix(mark + 1);
}

void SqlStatement::AppendRest(std::string_view text) {
    if (text.find('?') != std::string_view::npos) {
        throw std::logic_error("SqlStatement: a placeholder without a value in: " + text_ + std::string(text));
    }
    text_.append(text);
}

void SqlStatement::AppendString(std::string_view value) {
    if (escaper_ == nullptr) {
        throw std::logic_error("SqlStatement: a string bound without an escaper in: " + text_);
    }
    escaper_->AppendQuoted(text_, value);
}

void SqlStatement::AppendWord(std::string_view word) {
    if (word.find_first_of("'\\") != std::string_view::npos) {
        throw std::logic_error("SqlStatement: a word that needs escaping: " + std::string(word));
    }
    text_ += '\'';
    text_ += word;
    text_ += '\'';
}

}  // namespace bulkmsg::mysql
