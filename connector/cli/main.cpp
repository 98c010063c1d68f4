#include "cli/version.hpp"
#include "core/error.hpp"

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

int main(int argc, char **argv) {
    try {
        po::options_description opts("Options");
        opts.add_options()("help,h", "show this help")("version", "print the version");
        po::variables_map vm;
        po::store(po::parse_command_line(argc, argv, opts), vm);
        if (vm.count("version")) {
            std::cout << "connector " << connector::cli::version << "\n";
            return 0;
        }
        std::cout << "Usage: connector --query FILE --target klaviyo_profiles|klaviyo_events\n\n"
                  << opts;
        return 0;
    } catch (const po::error &e) {
        std::cerr << "connector: config: " << e.what() << "\n";
        return connector::exit_code::usage;
    }
}
