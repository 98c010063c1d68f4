#include "cli/allocator.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/signals.hpp"
#include "cli/version.hpp"
#include "core/error.hpp"
#include "klaviyo/ssl_init.hpp"

#include <exception>
#include <iostream>

int main(int argc, char **argv) {
    using namespace connector;
    cli::tune_allocator();
    // Until the run begins, main reports errors; with JSON logs as a run_failed line too.
    cli::LogFormat log_format = cli::LogFormat::Text;
    bool run_begun = false;
    try {
        const cli::Options options = cli::parse_options(argc, argv, &log_format);
        switch (options.command) {
        case cli::Command::Help:
            std::cout << (options.status_help ? cli::status_help_text() : cli::help_text());
            return exit_code::ok;
        case cli::Command::Version:
            std::cout << "connector " << cli::version << "\n";
            return exit_code::ok;
        case cli::Command::Status:
            return cli::status_command(options.status);
        case cli::Command::Run:
            break;
        }
        cli::install_signal_handlers();
        const klaviyo::SslInit ssl;
        run_begun = true; // run_command logs its own failures
        return cli::run_command(options.run);
    } catch (const Error &e) {
        if (!run_begun && log_format == cli::LogFormat::Json)
            cli::log_run_failed(e);
        std::cerr << "connector: " << to_string(e.kind()) << ": " << e.what() << std::endl;
        return exit_code_for(e.kind());
    } catch (const std::exception &e) {
        if (!run_begun && log_format == cli::LogFormat::Json)
            cli::log_run_failed(e);
        std::cerr << "connector: internal: " << e.what() << std::endl;
        return exit_code::internal;
    }
}
