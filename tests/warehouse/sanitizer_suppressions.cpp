// Sanitizer defaults compiled into the warehouse tests. They apply however the tests are
// started (the LSAN_OPTIONS that CTest should pass may not reach them) and are only read when
// the binary is built with -fsanitize=address.
//
// Suppressions: the same as tests/support/lsan.supp: the ODBC driver manager and the drivers
// keep allocations we do not own until exit.
extern "C" const char *__lsan_default_suppressions();

extern "C" const char *__lsan_default_suppressions() {
    return "leak:libsqlite3odbc\n"
           "leak:psqlodbc\n"
           "leak:libodbc\n"
           "leak:libodbcinst\n"
           "leak:libltdl\n";
}
