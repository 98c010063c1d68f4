#include "query_template.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cctype>

namespace connector::warehouse::detail {

namespace {

std::string trim(const std::string &s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::size_t line_of(const std::string &text, std::size_t pos) {
    return 1 + static_cast<std::size_t>(
                   std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

} // namespace

PreparedQuery prepare_query(const std::string &text, const std::string &query_name) {
    PreparedQuery out;
    out.sql.reserve(text.size());
    // Where the last character that is not blank or part of a comment was written to out.sql.
    std::size_t last_code = std::string::npos;
    // Whether anything but comments, blanks and semicolons was seen.
    bool has_code = false;
    std::size_t i = 0;
    const std::size_t n = text.size();

    auto fail = [&](std::size_t pos, const std::string &what) {
        throw ConfigError(query_name + ":" + std::to_string(line_of(text, pos)) + ": " + what);
    };

    while (i < n) {
        const char c = text[i];
        // Comments are not sent: NOTE(SQLite ODBC 0.9998) the driver ends the statement at a ';'
        // even inside a comment ("only one SQL statement allowed"). Newlines are kept so the
        // driver's line numbers still match the file. Hints and executable comments
        // (/*+ ... */, /*! ... */) are SQL to some engines and stay.
        // -- comment to the end of the line
        if (c == '-' && i + 1 < n && text[i + 1] == '-') {
            const auto end = text.find('\n', i);
            i = end == std::string::npos ? n : end;
            continue;
        }
        // /* block comment */
        if (c == '/' && i + 1 < n && text[i + 1] == '*') {
            const auto end = text.find("*/", i + 2);
            const auto stop = end == std::string::npos ? n : end + 2;
            if (i + 2 < n && (text[i + 2] == '+' || text[i + 2] == '!')) {
                out.sql.append(text, i, stop - i);
            } else {
                out.sql.push_back(' ');
                out.sql.append(static_cast<std::size_t>(
                                   std::count(text.begin() + static_cast<long>(i),
                                              text.begin() + static_cast<long>(stop), '\n')),
                               '\n');
            }
            i = stop;
            continue;
        }
        // 'literal', "identifier", `identifier`: copied as they are; a placeholder inside one
        // would silently become text, so it is an error.
        if (c == '\'' || c == '"' || c == '`') {
            std::size_t j = i + 1;
            while (j < n) {
                if (text[j] == c) {
                    if (j + 1 < n && text[j + 1] == c) { // doubled quote
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            const std::size_t stop = j < n ? j + 1 : n;
            const std::string quoted = text.substr(i, stop - i);
            const auto inner = quoted.find("{{");
            if (inner != std::string::npos && quoted.find("}}", inner) != std::string::npos)
                fail(i + inner, "a {{...}} placeholder inside quotes is not replaced; remove the "
                                "quotes around it (it is bound as a timestamp parameter)");
            out.sql += quoted;
            last_code = out.sql.size() - 1;
            has_code = true;
            i = stop;
            continue;
        }
        if (c == '{' && i + 1 < n && text[i + 1] == '{') {
            const auto close = text.find("}}", i + 2);
            if (close == std::string::npos)
                fail(i, "'{{' is not closed by '}}'");
            const std::string name = trim(text.substr(i + 2, close - i - 2));
            if (name == "last_success_started_at")
                out.parameters.push_back(QueryParameter::LastSuccessStartedAt);
            else if (name == "run_started_at")
                out.parameters.push_back(QueryParameter::RunStartedAt);
            else
                fail(i, "unknown placeholder {{" + name +
                            "}}: the query may use {{last_success_started_at}} and "
                            "{{run_started_at}}");
            out.sql.push_back('?');
            last_code = out.sql.size() - 1;
            has_code = true;
            i = close + 2;
            continue;
        }
        out.sql.push_back(c);
        if (!std::isspace(static_cast<unsigned char>(c))) {
            last_code = out.sql.size() - 1;
            has_code = has_code || c != ';';
        }
        ++i;
    }

    if (!has_code)
        throw ConfigError(query_name + ": the query file has no SQL in it");
    // Drop trailing semicolons and what follows them (blanks and comments).
    while (last_code != std::string::npos && out.sql[last_code] == ';') {
        out.sql.erase(last_code);
        last_code = out.sql.find_last_not_of(" \t\r\n");
    }
    return out;
}

} // namespace connector::warehouse::detail
