#include "server/logs_cli.h"

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

namespace server {

namespace fs = std::filesystem;

namespace {

// Prints `file` from `offset`; returns the new offset.
uint64_t PrintFrom(const fs::path& file, uint64_t offset) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return offset;
  in.seekg(static_cast<std::streamoff>(offset));
  char buf[64 * 1024];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    std::fwrite(buf, 1, static_cast<size_t>(in.gcount()), stdout);
    offset += static_cast<uint64_t>(in.gcount());
  }
  std::fflush(stdout);
  return offset;
}

// The last `n` lines of `file`, and the offset of its end.
uint64_t PrintTail(const fs::path& file, int n) {
  std::ifstream in(file, std::ios::binary);
  std::deque<std::string> lines;
  std::string line;
  uint64_t end = 0;
  while (std::getline(in, line)) {
    end += line.size() + 1;
    lines.push_back(std::move(line));
    if (static_cast<int>(lines.size()) > n) lines.pop_front();
  }
  for (const auto& l : lines) std::cout << l << "\n";
  std::cout.flush();
  return end;
}

}  // namespace

int PrintFunctionLogs(const common::Config& config, const std::string& function, const std::string& region,
                      bool follow, int tail_lines) {
  std::vector<const common::RegionConfig*> found;
  for (const auto& rc : config.regions) {
    if (!region.empty() && rc.name != region) continue;
    for (const auto& f : rc.functions) {
      if (f.name == function) found.push_back(&rc);
    }
  }
  if (found.empty()) {
    std::cerr << fmt::format("stratus: no function {}{} in {}\n", function,
                             region.empty() ? "" : " in region " + region, config.source.string());
    return 2;
  }
  if (found.size() > 1) {
    std::cerr << fmt::format("stratus: function {} is deployed in several regions; choose one with --region\n",
                             function);
    return 2;
  }
  fs::path file = found[0]->data_dir / "functions" / (function + ".log");
  std::error_code ec;
  if (!fs::exists(file, ec) && !follow) {
    std::cerr << fmt::format("stratus: {} has not logged anything yet ({} does not exist)\n", function, file.string());
    return 1;
  }
  uint64_t offset = tail_lines > 0 ? PrintTail(file, tail_lines) : PrintFrom(file, 0);
  if (!follow) return 0;
  struct stat st {};
  ino_t inode = ::stat(file.c_str(), &st) == 0 ? st.st_ino : 0;
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (::stat(file.c_str(), &st) != 0) continue;
    if (st.st_ino != inode || static_cast<uint64_t>(st.st_size) < offset) {
      // Rotated: finish the old generation, then read the new file from its start.
      if (inode != 0) {
        fs::path old = file.string() + ".1";
        struct stat old_st {};
        if (::stat(old.c_str(), &old_st) == 0 && old_st.st_ino == inode) PrintFrom(old, offset);
      }
      inode = st.st_ino;
      offset = 0;
    }
    offset = PrintFrom(file, offset);
  }
}

}  // namespace server
