// LeakSanitizer suppressions compiled into the warehouse tests, the same as
// tests/support/lsan.supp: the ODBC driver manager and drivers keep allocations we do not own
// until exit. Built in so they apply however the tests are started (LSAN_OPTIONS may not reach
// them). Only read when the binary is built with -fsanitize=address.
extern "C" const char *__lsan_default_suppressions();

extern "C" const char *__lsan_default_suppressions() {
    return "leak:libsqlite3odbc\n"
           "leak:psqlodbc\n"
           "leak:libodbc\n"
           "leak:libodbcinst\n"
           "leak:libltdl\n";
}
