// The `stratus` command line.
//
//   stratus serve [--config FILE] [--data DIR]   run the regions of a config
//   stratus replication status [--config FILE] [--region R] [--bucket B] [--endpoint HOST:PORT]
//                                                print each region's replication backlog
//   stratus logs FUNCTION [--config FILE] [--data DIR] [--region R] [--follow] [--tail N]
//                                                print a function's log stream
//   stratus lambda-bootstrap                     run a built-in handler as a Lambda custom
//                                                runtime (the Runtime API loop; see functions/bootstrap.h)
//   stratus demo [--config FILE] [--data DIR]    drive seeds 000 and 001 against a running
//                                                default stack, printing each hop
//   stratus version                              print the version
//
// Exit codes: 0 normal stop, 1 runtime failure (e.g. a port in use), 2 bad
// usage or configuration.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/config.h"
#include "common/faults.h"
#include "common/log.h"
#include "common/version.h"
#include "functions/bootstrap.h"
#include "functions/seed/handlers.h"
#include "server/banner.h"
#include "server/demo.h"
#include "server/logs_cli.h"
#include "server/replication_cli.h"
#include "server/stack.h"

namespace {

namespace fs = std::filesystem;

const auto kProcessStart = std::chrono::steady_clock::now();

// The default stack's config: ./config/stratus.toml, else the one beside the
// binary's source tree (build/src/server/stratus → config/stratus.toml).
std::optional<fs::path> FindDefaultConfig() {
  fs::path candidate = "config/stratus.toml";
  if (fs::exists(candidate)) return candidate;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path()) {
    if (fs::exists(dir / "config/stratus.toml")) return dir / "config/stratus.toml";
  }
  return std::nullopt;
}

int Serve(const std::string& config_flag, const std::string& data_flag) {
  server::Stack::BlockStopSignals();  // before the first thread (the logger's) starts
  std::optional<fs::path> config_path;
  if (!config_flag.empty()) {
    config_path = config_flag;
  } else {
    config_path = FindDefaultConfig();
    if (!config_path) {
      std::cerr << "stratus: no --config given and config/stratus.toml was not found\n";
      return 2;
    }
  }
  std::optional<fs::path> data_root;
  if (!data_flag.empty()) data_root = data_flag;
  auto config = common::LoadConfig(*config_path, data_root);
  if (!config.ok()) {
    std::cerr << "stratus: " << config.status().message() << "\n";
    return 2;
  }
  common::log::Init(config->log_level);
  auto faults = common::faults::ConfigureFromEnvironment();
  if (!faults.ok()) {
    std::cerr << "stratus: " << faults.status().message() << "\n";
    return 2;
  }
  if (!faults->empty()) common::log::Get("server")->warn("fault injection on: {}", *faults);
  auto stack = server::Stack::Open(std::move(config).value());
  if (!stack.ok()) {
    std::cerr << "stratus: " << stack.status().message() << "\n";
    return 1;
  }
  return (*stack)->Run([](const server::Stack& s) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - kProcessStart)
                  .count();
    std::fputs(server::Banner(s, ms).c_str(), stdout);
    std::fflush(stdout);
  });
}

int ReplicationStatus(const std::string& config_flag, const std::string& region,
                      const std::string& bucket, const std::string& endpoint) {
  std::vector<server::ReplicationStatusTarget> targets;
  if (!endpoint.empty()) {
    auto hp = common::HostPort::Parse(endpoint);
    if (!hp.ok()) {
      std::cerr << "stratus: --endpoint: " << hp.status().message() << "\n";
      return 2;
    }
    targets.push_back({region.empty() ? endpoint : region, *hp});
  } else {
    std::optional<fs::path> config_path =
        config_flag.empty() ? FindDefaultConfig() : std::optional<fs::path>(config_flag);
    if (!config_path) {
      std::cerr << "stratus: no --config given and config/stratus.toml was not found\n";
      return 2;
    }
    auto config = common::LoadConfig(*config_path, std::nullopt);
    if (!config.ok()) {
      std::cerr << "stratus: " << config.status().message() << "\n";
      return 2;
    }
    for (const auto& rc : config->regions) {
      if (region.empty() || rc.name == region) targets.push_back({rc.name, rc.endpoint});
    }
    if (targets.empty()) {
      std::cerr << "stratus: no region " << region << " in " << config_path->string() << "\n";
      return 2;
    }
  }
  return server::PrintReplicationStatus(targets, bucket);
}

// The config named by --config (else the default stack's) with --data applied;
// nullopt after printing why, for exit code 2.
std::optional<common::Config> LoadForCommand(const std::string& config_flag, const std::string& data_flag) {
  std::optional<fs::path> config_path =
      config_flag.empty() ? FindDefaultConfig() : std::optional<fs::path>(config_flag);
  if (!config_path) {
    std::cerr << "stratus: no --config given and config/stratus.toml was not found\n";
    return std::nullopt;
  }
  auto config = common::LoadConfig(*config_path, data_flag.empty() ? std::nullopt : std::optional<fs::path>(data_flag));
  if (!config.ok()) {
    std::cerr << "stratus: " << config.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(config).value();
}

int Logs(const std::string& config_flag, const std::string& data_flag, const std::string& function,
         const std::string& region, bool follow, int tail) {
  auto config = LoadForCommand(config_flag, data_flag);
  return config ? server::PrintFunctionLogs(*config, function, region, follow, tail) : 2;
}

int Demo(const std::string& config_flag, const std::string& data_flag) {
  auto config = LoadForCommand(config_flag, data_flag);
  return config ? server::RunDemo(*config) : 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "stratus — AWS-compatible S3, DynamoDB, SQS, SNS, EventBridge, Kinesis, KMS, Secrets "
      "Manager and STS on one machine, one region per listener pair, with embedded durable "
      "storage.",
      "stratus"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(common::kVersion));

  std::string config_flag;
  std::string data_flag;
  auto* serve = app.add_subcommand(
      "serve",
      "Serve every region of the configuration until SIGINT/SIGTERM. Without --config, serves "
      "the default stack (config/stratus.toml) with data under ./data.");
  serve->add_option("-c,--config", config_flag, "Configuration file (TOML)")
      ->check(CLI::ExistingFile);
  serve->add_option("-d,--data", data_flag,
                    "Data root directory; overrides [server].data_dir (default ./data)");

  auto* replication = app.add_subcommand("replication", "Cross-region replication");
  replication->require_subcommand(1);
  auto* status = replication->add_subcommand(
      "status", "Print each running region's replication backlog, lag and failures per rule");
  std::string region_flag, bucket_flag, endpoint_flag;
  status->add_option("-c,--config", config_flag, "Configuration file (TOML) naming the regions")
      ->check(CLI::ExistingFile);
  status->add_option("-r,--region", region_flag, "Only this region");
  status->add_option("-b,--bucket", bucket_flag, "Only this source bucket");
  status->add_option("-e,--endpoint", endpoint_flag, "Ask this AWS endpoint (host:port) directly");

  auto* logs = app.add_subcommand("logs", "Print a function's log stream (START/END/REPORT and its own lines)");
  std::string function_flag, logs_region_flag;
  bool follow_flag = false;
  int tail_flag = 0;
  logs->add_option("function", function_flag, "The function's name")->required();
  logs->add_option("-c,--config", config_flag, "Configuration file (TOML) deploying the function")
      ->check(CLI::ExistingFile);
  logs->add_option("-d,--data", data_flag, "Data root directory (as given to serve)");
  logs->add_option("-r,--region", logs_region_flag, "The region, when the function is deployed in several");
  logs->add_flag("-f,--follow", follow_flag, "Keep printing new lines until interrupted");
  logs->add_option("-n,--tail", tail_flag, "Only the last N lines first")->check(CLI::NonNegativeNumber);

  auto* bootstrap = app.add_subcommand(
      "lambda-bootstrap",
      "Run the built-in handler named by $_HANDLER as a Lambda custom runtime: poll the Runtime API at "
      "$AWS_LAMBDA_RUNTIME_API for events (on AWS Lambda as the provided.al2023 bootstrap, or for a "
      "stratus function with a runtime_api)");

  auto* demo = app.add_subcommand(
      "demo",
      "Drive seeds 000 and 001 against a running default stack and print each hop with its time: a "
      "presigned upload, its replica, metadata item and alert; a validated category upload; a poison "
      "pill in the dead-letter queue, its redrive and the failure email");
  demo->add_option("-c,--config", config_flag, "Configuration file the stack runs (default config/stratus.toml)")
      ->check(CLI::ExistingFile);
  demo->add_option("-d,--data", data_flag, "Data root directory (as given to serve)");

  auto* version = app.add_subcommand("version", "Print the version and exit");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (*version) {
    std::cout << "stratus " << common::kVersion << "\n";
    return 0;
  }
  if (*serve) return Serve(config_flag, data_flag);
  if (*demo) return Demo(config_flag, data_flag);
  if (*bootstrap) return functions::RunBootstrap(functions::seed::Handlers());
  if (*status) return ReplicationStatus(config_flag, region_flag, bucket_flag, endpoint_flag);
  if (*logs) return Logs(config_flag, data_flag, function_flag, logs_region_flag, follow_flag, tail_flag);
  return 2;
}
