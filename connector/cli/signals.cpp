#include "signals.hpp"

#include "core/interrupt.hpp"

#include <csignal>
#include <unistd.h>

namespace connector::cli {

namespace {

extern "C" void on_stop_signal(int) {
    connector::request_stop();
    static const char message[] =
        "\nconnector: stopping: finishing requests in flight and recording them (a second "
        "signal quits at once)\n";
    // write(2) is async-signal-safe; its result cannot be acted on here.
    ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    (void)ignored;
}

} // namespace

void install_signal_handlers() {
    struct sigaction stop {};
    stop.sa_handler = on_stop_signal;
    sigemptyset(&stop.sa_mask);
    // One graceful stop; the handler is reset to the default by the first delivery.
    stop.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &stop, nullptr);
    sigaction(SIGTERM, &stop, nullptr);

    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, nullptr);
}

} // namespace connector::cli
