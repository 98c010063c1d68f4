# Writes a C++ header that embeds the ledger migrations, so the binary never reads sql/ at run
# time. Run at build time (cmake -P) by connector/ledger/CMakeLists.txt:
#   cmake -DOUTPUT=<header> -DINPUTS=<a.sql;b.sql> -P embed_sql.cmake
# Each file is named NNN_<what>.sql; NNN is the schema version it migrates to.
set(delimiter "connector_sql")
set(body "")
set(expected 1)
foreach(input IN LISTS INPUTS)
    get_filename_component(name "${input}" NAME)
    if(NOT name MATCHES "^([0-9][0-9][0-9])_[a-z0-9_]+\\.sql$")
        message(FATAL_ERROR "ledger migration ${input}: name must be NNN_<what>.sql")
    endif()
    math(EXPR version "${CMAKE_MATCH_1}")
    if(NOT version EQUAL expected)
        message(FATAL_ERROR "ledger migration ${input}: expected version ${expected}, got ${version}")
    endif()
    math(EXPR expected "${expected} + 1")
    file(READ "${input}" sql)
    string(FIND "${sql}" ")${delimiter}\"" clash)
    if(NOT clash EQUAL -1)
        message(FATAL_ERROR "ledger migration ${input} contains the raw-string delimiter")
    endif()
    string(APPEND body "    {${version}, \"${name}\", R\"${delimiter}(${sql})${delimiter}\"},\n")
endforeach()
set(content "// Generated from sql/ledger/*.sql by connector/ledger/embed_sql.cmake. Do not edit.
#pragma once

namespace connector::ledger::generated {

struct EmbeddedMigration {
    int version;
    const char *name;
    const char *sql;
};

inline constexpr EmbeddedMigration migrations[] = {
${body}};

} // namespace connector::ledger::generated
")
# Rewrite only when the content changes, so an unrelated build does not recompile the ledger.
if(EXISTS "${OUTPUT}")
    file(READ "${OUTPUT}" old)
    if(old STREQUAL content)
        return()
    endif()
endif()
file(WRITE "${OUTPUT}" "${content}")
