#pragma once

#include <string>
#include <vector>

// Internal to the warehouse module.
namespace connector::warehouse::detail {

/// A placeholder the query may use; each one becomes an ODBC parameter marker.
enum class QueryParameter { LastSuccessStartedAt, RunStartedAt };

/// The SQL sent to the driver, and which value each `?` marker takes, in order.
struct PreparedQuery {
    std::string sql;
    std::vector<QueryParameter> parameters;
};

/// Replaces `{{last_success_started_at}}` and `{{run_started_at}}` (spaces inside the braces
/// allowed) by `?` outside string literals, quoted identifiers and comments, removes comments
/// (keeping their newlines, and keeping /*+ hints */ and /*! executable comments */), and drops
/// a final `;` (psqlODBC wraps the query in a cursor, where a `;` is a syntax error).
/// Throws ConfigError naming `query_name` and the line for an unknown `{{name}}`, for a
/// placeholder inside quotes (it would be text, not a parameter), and for an empty query.
PreparedQuery prepare_query(const std::string &text, const std::string &query_name);

} // namespace connector::warehouse::detail
