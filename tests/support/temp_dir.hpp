#pragma once

#include <string>

namespace connector::test {

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::string &path() const { return path_; }
    /// path() + "/" + name.
    std::string file(const std::string &name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

/// Writes `content` to `path`, replacing it. Throws std::runtime_error on failure.
void write_file(const std::string &path, const std::string &content);
/// Reads a whole file. Throws std::runtime_error when it cannot be read.
std::string read_file(const std::string &path);

} // namespace connector::test
