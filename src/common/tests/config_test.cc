#include "common/config.h"

#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace common {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr std::string_view kSource = "test.toml";

// Lines 1-2 of most documents below.
constexpr std::string_view kAdmin =
    "[admin]\n"
    "access_key_id = \"AKIATESTTESTTEST\"\n";

// Lines 3-6: one region listening on any free port.
constexpr std::string_view kRegion =
    "[[regions]]\n"
    "name = \"us-east-1\"\n"
    "endpoint = \"127.0.0.1:0\"\n"
    "app_endpoint = \"127.0.0.1:0\"\n";

const fs::path& DataRoot() {
  static const fs::path root = "/srv/stratus-test-data";
  return root;
}

Result<Config> Parse(std::string_view text) { return ParseConfig(text, kSource, DataRoot()); }

// The error message of a document that must be rejected as kInvalidArgument.
std::string Error(std::string_view text) {
  Result<Config> config = Parse(text);
  EXPECT_FALSE(config.ok()) << "accepted:\n" << text;
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), ErrorCode::kInvalidArgument) << config.status().ToString();
  return config.status().message();
}

std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out += p;
  return out;
}

// A fresh directory under the test temp dir, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    static int counter = 0;
    path_ = fs::path(::testing::TempDir()) /
            ("config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

  fs::path Write(const std::string& name, std::string_view text) const {
    fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  fs::path path_;
};

// Verifies that a document setting every key yields exactly those values.
TEST(ConfigTest, ParsesFullConfig) {
  Result<Config> config = ParseConfig(R"([server]
data_dir = "/var/lib/ignored-because-overridden"
log_level = "debug"
access_log = "-"
threads = 8

[limits]
max_connections = 100
max_header_bytes = 8192
max_buffered_body_bytes = 1048576
idle_timeout_seconds = 5
request_timeout_seconds = 30
shutdown_grace_seconds = 0

[tls]
cert_file = "certs/server.pem"
key_file = "/etc/stratus/server.key"

[admin]
access_key_id = "AKIAFULLCONFIG0001"
secret_access_key = "abcdefghijklmnopqrstuvwxyz012345"

[[regions]]
name = "ap-south-1"
endpoint = "127.0.0.1:4566"
app_endpoint = "[::1]:8080"

[[regions]]
name = "us-gov-west-1"
endpoint = "0.0.0.0:4567"
app_endpoint = "localhost:8081"
data_dir = "gov"

[[regions]]
name = "eu-west-2"
endpoint = "127.0.0.1:0"
app_endpoint = "127.0.0.1:0"
data_dir = "/mnt/eu"
)",
                                      kSource, DataRoot());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->source, fs::path(kSource));
  EXPECT_EQ(config->data_root, DataRoot());
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->access_log, "-");
  EXPECT_EQ(config->threads, 8u);

  EXPECT_EQ(config->limits.max_connections, 100u);
  EXPECT_EQ(config->limits.max_header_bytes, 8192u);
  EXPECT_EQ(config->limits.max_buffered_body_bytes, 1048576u);
  EXPECT_EQ(config->limits.idle_timeout_seconds, 5u);
  EXPECT_EQ(config->limits.request_timeout_seconds, 30u);
  EXPECT_EQ(config->limits.shutdown_grace_seconds, 0u);

  ASSERT_TRUE(config->tls.has_value());
  EXPECT_EQ(config->tls->cert_file, fs::current_path() / "certs" / "server.pem");
  EXPECT_EQ(config->tls->key_file, fs::path("/etc/stratus/server.key"));

  EXPECT_EQ(config->admin.access_key_id, "AKIAFULLCONFIG0001");
  EXPECT_EQ(config->admin.secret_access_key, "abcdefghijklmnopqrstuvwxyz012345");

  ASSERT_EQ(config->regions.size(), 3u);
  const RegionConfig& south = config->regions[0];
  EXPECT_EQ(south.name, "ap-south-1");
  EXPECT_EQ(south.endpoint.host, "127.0.0.1");
  EXPECT_EQ(south.endpoint.port, 4566);
  EXPECT_EQ(south.app_endpoint.host, "::1");
  EXPECT_EQ(south.app_endpoint.port, 8080);
  EXPECT_EQ(south.data_dir, DataRoot() / "ap-south-1");

  const RegionConfig& gov = config->regions[1];
  EXPECT_EQ(gov.name, "us-gov-west-1");
  EXPECT_EQ(gov.endpoint.ToString(), "0.0.0.0:4567");
  EXPECT_EQ(gov.app_endpoint.ToString(), "localhost:8081");
  EXPECT_EQ(gov.data_dir, DataRoot() / "gov");

  EXPECT_EQ(config->regions[2].data_dir, fs::path("/mnt/eu"));
}

// Verifies the defaults of every optional key, and that the data root is ./data
// made absolute when neither the flag nor the file names one.
TEST(ConfigTest, AppliesDefaults) {
  Result<Config> config = ParseConfig(Cat({kAdmin, kRegion}), kSource, std::nullopt);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->data_root, fs::current_path() / "data");
  EXPECT_EQ(config->log_level, "info");
  EXPECT_EQ(config->access_log, "access.log");
  EXPECT_EQ(config->threads, 0u);
  const LimitsConfig defaults;
  EXPECT_EQ(config->limits.max_connections, defaults.max_connections);
  EXPECT_EQ(config->limits.max_header_bytes, defaults.max_header_bytes);
  EXPECT_EQ(config->limits.max_buffered_body_bytes, defaults.max_buffered_body_bytes);
  EXPECT_EQ(config->limits.idle_timeout_seconds, defaults.idle_timeout_seconds);
  EXPECT_EQ(config->limits.request_timeout_seconds, defaults.request_timeout_seconds);
  EXPECT_EQ(config->limits.shutdown_grace_seconds, defaults.shutdown_grace_seconds);
  EXPECT_FALSE(config->tls.has_value());
  EXPECT_EQ(config->admin.secret_access_key, "");
  ASSERT_EQ(config->regions.size(), 1u);
  EXPECT_EQ(config->regions[0].data_dir, fs::current_path() / "data" / "us-east-1");
}

// Verifies that [server].data_dir is used when there is no override, relative
// to the current directory, and that the override wins over it.
TEST(ConfigTest, ResolvesDataRoot) {
  std::string text = Cat({"[server]\ndata_dir = \"state/./here/\"\n", kAdmin, kRegion});
  Result<Config> from_file = ParseConfig(text, kSource, std::nullopt);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(from_file->data_root, fs::current_path() / "state" / "here");
  EXPECT_EQ(from_file->regions[0].data_dir, fs::current_path() / "state" / "here" / "us-east-1");

  Result<Config> overridden = ParseConfig(text, kSource, fs::path("elsewhere"));
  ASSERT_TRUE(overridden.ok()) << overridden.status().ToString();
  EXPECT_EQ(overridden->data_root, fs::current_path() / "elsewhere");

  Result<Config> empty = ParseConfig(text, kSource, fs::path());
  EXPECT_EQ(empty.status().code(), ErrorCode::kInvalidArgument);
}

// Verifies that LoadConfig records the file and resolves TLS files against the
// file's directory, not the current one.
TEST(ConfigTest, LoadsFileAndResolvesTlsAgainstIt) {
  ScratchDir dir;
  fs::path file = dir.Write("stratus.toml", Cat({"[tls]\ncert_file = \"tls/cert.pem\"\n"
                                                 "key_file = \"../key.pem\"\n",
                                                 kAdmin, kRegion}));
  Result<Config> config = LoadConfig(file, DataRoot());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->source, file);
  ASSERT_TRUE(config->tls.has_value());
  fs::path base = fs::absolute(dir.path()).lexically_normal();
  EXPECT_EQ(config->tls->cert_file, base / "tls" / "cert.pem");
  EXPECT_EQ(config->tls->key_file, base.parent_path() / "key.pem");
}

// Verifies that errors from LoadConfig name the file as given.
TEST(ConfigTest, LoadErrorsNameTheFile) {
  ScratchDir dir;
  fs::path file = dir.Write("bad.toml", Cat({kAdmin, kRegion, "bogus = 1\n"}));
  Result<Config> config = LoadConfig(file, DataRoot());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(), file.string() + ":7:1: regions[0].bogus: unknown key");
}

// Verifies that a missing file is kNotFound and names the file.
TEST(ConfigTest, MissingFileIsNotFound) {
  ScratchDir dir;
  fs::path file = dir.path() / "absent.toml";
  Result<Config> config = LoadConfig(file, DataRoot());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), ErrorCode::kNotFound);
  EXPECT_THAT(config.status().message(), HasSubstr(file.string()));
}

// Verifies that a directory given as the file is kIoError naming it.
TEST(ConfigTest, DirectoryIsIoError) {
  ScratchDir dir;
  Result<Config> config = LoadConfig(dir.path(), DataRoot());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), ErrorCode::kIoError);
  EXPECT_THAT(config.status().message(), HasSubstr(dir.path().string()));
}

// Verifies that TOML syntax errors come back with the source and position.
TEST(ConfigTest, RejectsSyntaxError) {
  EXPECT_THAT(Error(Cat({kAdmin, "[[regions]\n"})), StartsWith("test.toml:3:"));
  EXPECT_THAT(Error("a = \n"), StartsWith("test.toml:1:"));
  EXPECT_THAT(Error(Cat({kAdmin, kAdmin})), StartsWith("test.toml:3:"));
}

// Verifies the exact wording of an error: source, line, column, key path, problem.
TEST(ConfigTest, ErrorMessageFormat) {
  EXPECT_EQ(Error(Cat({kAdmin,
                       "[[regions]]\n"
                       "name = \"us-east-1\"\n"
                       "endpoint = \"localhost\"\n"
                       "app_endpoint = \"127.0.0.1:0\"\n"})),
            "test.toml:5:12: regions[0].endpoint: expected \"host:port\", got \"localhost\"");
}

// Verifies that unknown keys are rejected at their own position, with a hint
// when they look like a typo.
TEST(ConfigTest, RejectsUnknownKey) {
  EXPECT_EQ(Error(Cat({"[server]\nlog_levl = \"info\"\n", kAdmin, kRegion})),
            "test.toml:2:1: server.log_levl: unknown key (did you mean \"log_level\"?)");
  EXPECT_EQ(Error(Cat({kAdmin, kRegion, "[limit]\nmax_connections = 1\n"})),
            "test.toml:7:2: limit: unknown key (did you mean \"limits\"?)");
  EXPECT_EQ(Error(Cat({kAdmin, kRegion, "  endpont = \"127.0.0.1:1\"\n"})),
            "test.toml:7:3: regions[0].endpont: unknown key (did you mean \"endpoint\"?)");
  EXPECT_EQ(Error(Cat({kAdmin, "color = \"blue\"\n", kRegion})),
            "test.toml:3:1: admin.color: unknown key");
  EXPECT_EQ(Error(Cat({"\"odd key\" = 1\n", kAdmin, kRegion})),
            "test.toml:1:1: \"odd key\": unknown key");
  // The first unknown key in file order is the one reported.
  EXPECT_THAT(Error(Cat({kAdmin, kRegion, "zz = 1\naa = 2\n"})), HasSubstr("zz: unknown key"));
}

// Verifies that a value of the wrong type names the expected and actual types.
TEST(ConfigTest, RejectsWrongType) {
  EXPECT_EQ(Error(Cat({"[server]\nthreads = \"4\"\n", kAdmin, kRegion})),
            "test.toml:2:11: server.threads: expected an integer, got a string");
  EXPECT_EQ(Error(Cat({"[limits]\nidle_timeout_seconds = 1.5\n", kAdmin, kRegion})),
            "test.toml:2:24: limits.idle_timeout_seconds: expected an integer, got a float");
  EXPECT_EQ(Error(Cat({kAdmin, "[[regions]]\nname = \"us-east-1\"\nendpoint = 4566\n"})),
            "test.toml:5:12: regions[0].endpoint: expected a string, got an integer");
  EXPECT_EQ(Error(Cat({"server = true\n", kAdmin, kRegion})),
            "test.toml:1:10: server: expected a table, got a boolean");
  EXPECT_EQ(Error(Cat({kAdmin, "[regions]\nname = \"us-east-1\"\n"})),
            "test.toml:3:1: regions: expected an array of tables ([[regions]]), got a table");
  EXPECT_EQ(Error(Cat({"regions = [\"us-east-1\"]\n", kAdmin})),
            "test.toml:1:12: regions[0]: expected a table, got a string");
  EXPECT_EQ(Error(Cat({"[server]\nlog_level = 2024-01-01\n", kAdmin, kRegion})),
            "test.toml:2:13: server.log_level: expected a string, got a date");
}

// Verifies range checks on every integer and on ports.
TEST(ConfigTest, RejectsOutOfRange) {
  struct Case {
    std::string_view snippet;  // placed on line 2, after a table header on line 1
    std::string_view table;
    std::string_view expected;
  };
  const Case cases[] = {
      {"threads = -1", "server", "test.toml:2:11: server.threads: must be at least 0, got -1"},
      {"threads = 5000", "server",
       "test.toml:2:11: server.threads: must be at most 1024, got 5000"},
      {"max_connections = 0", "limits",
       "test.toml:2:19: limits.max_connections: must be at least 1, got 0"},
      {"max_connections = 4294967296", "limits",
       "test.toml:2:19: limits.max_connections: must be at most 4294967295, got 4294967296"},
      {"max_header_bytes = 512", "limits",
       "test.toml:2:20: limits.max_header_bytes: must be at least 1024, got 512"},
      {"max_buffered_body_bytes = 0", "limits",
       "test.toml:2:27: limits.max_buffered_body_bytes: must be at least 1, got 0"},
      {"idle_timeout_seconds = 0", "limits",
       "test.toml:2:24: limits.idle_timeout_seconds: must be at least 1, got 0"},
      {"request_timeout_seconds = -5", "limits",
       "test.toml:2:27: limits.request_timeout_seconds: must be at least 1, got -5"},
      {"shutdown_grace_seconds = -1", "limits",
       "test.toml:2:26: limits.shutdown_grace_seconds: must be at least 0, got -1"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Error(Cat({"[", c.table, "]\n", c.snippet, "\n", kAdmin, kRegion})), c.expected)
        << c.snippet;
  }

  auto endpoint = [](std::string_view address) {
    return Cat({kAdmin, "[[regions]]\nname = \"us-east-1\"\nendpoint = \"", address,
                "\"\napp_endpoint = \"127.0.0.1:0\"\n"});
  };
  EXPECT_EQ(
      Error(endpoint("127.0.0.1:65536")),
      "test.toml:5:12: regions[0].endpoint: port must be a number from 0 to 65535, got \"65536\"");
  EXPECT_THAT(Error(endpoint("127.0.0.1:-1")), HasSubstr("port must be a number"));
  EXPECT_THAT(Error(endpoint("::1:4566")), HasSubstr("IPv6 addresses need brackets"));
  EXPECT_TRUE(Parse(endpoint("127.0.0.1:65535")).ok());
}

// Verifies that two regions may not share a name.
TEST(ConfigTest, RejectsDuplicateRegionNames) {
  EXPECT_EQ(
      Error(Cat({kAdmin, kRegion,
                 "[[regions]]\n"
                 "name = \"us-east-1\"\n"
                 "endpoint = \"127.0.0.1:0\"\n"
                 "app_endpoint = \"127.0.0.1:0\"\n"})),
      "test.toml:8:8: regions[1].name: duplicate region name \"us-east-1\" (also regions[0])");
}

// Verifies that no two listeners share an address, across regions and within
// one, that wildcards collide with every host, and that port 0 never collides.
TEST(ConfigTest, RejectsDuplicateAddresses) {
  auto two = [](std::string_view a_endpoint, std::string_view a_app, std::string_view b_endpoint,
                std::string_view b_app) {
    return Cat({kAdmin, "[[regions]]\nname = \"us-east-1\"\nendpoint = \"", a_endpoint,
                "\"\napp_endpoint = \"", a_app,
                "\"\n[[regions]]\nname = \"eu-west-1\"\nendpoint = \"", b_endpoint,
                "\"\napp_endpoint = \"", b_app, "\"\n"});
  };
  EXPECT_EQ(Error(two("127.0.0.1:4566", "127.0.0.1:8080", "127.0.0.1:8080", "127.0.0.1:8081")),
            "test.toml:9:12: regions[1].endpoint: address 127.0.0.1:8080 collides with "
            "regions[0].app_endpoint (127.0.0.1:8080)");
  EXPECT_EQ(Error(two("127.0.0.1:4566", "127.0.0.1:4566", "127.0.0.1:1", "127.0.0.1:2")),
            "test.toml:6:16: regions[0].app_endpoint: address 127.0.0.1:4566 collides with "
            "regions[0].endpoint (127.0.0.1:4566)");
  EXPECT_THAT(Error(two("127.0.0.1:4566", "127.0.0.1:8080", "127.0.0.1:4567", "0.0.0.0:4566")),
              HasSubstr("regions[1].app_endpoint: address 0.0.0.0:4566 collides"));
  EXPECT_THAT(Error(two("[::]:4566", "127.0.0.1:8080", "127.0.0.1:4567", "[::1]:4566")),
              HasSubstr("regions[1].app_endpoint: address [::1]:4566 collides"));
  EXPECT_THAT(Error(two("LOCALHOST:1", "127.0.0.1:8080", "localhost:1", "127.0.0.1:2")),
              HasSubstr("regions[1].endpoint"));

  EXPECT_TRUE(Parse(two("127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", "0.0.0.0:0")).ok());
  EXPECT_TRUE(Parse(two("127.0.0.1:4566", "127.0.0.2:4566", "[::1]:4566", "127.0.0.1:8080")).ok());
}

// Verifies that two regions may not share a data directory.
TEST(ConfigTest, RejectsDuplicateDataDirs) {
  EXPECT_EQ(
      Error(Cat({kAdmin, kRegion,
                 "[[regions]]\n"
                 "name = \"eu-west-1\"\n"
                 "endpoint = \"127.0.0.1:0\"\n"
                 "app_endpoint = \"127.0.0.1:0\"\n"
                 "data_dir = \"./us-east-1/\"\n"})),
      "test.toml:11:12: regions[1].data_dir: data dir \"/srv/stratus-test-data/us-east-1\" is "
      "also regions[0]'s");
}

// Verifies that a configuration without regions is rejected.
TEST(ConfigTest, RejectsNoRegions) {
  EXPECT_EQ(Error(kAdmin),
            "test.toml:1:1: regions: missing required array of tables ([[regions]])");
  EXPECT_EQ(Error(Cat({"regions = []\n", kAdmin})),
            "test.toml:1:11: regions: at least one region is required");
}

// Verifies that missing required tables and keys are reported at the enclosing
// table (1:1 for the document).
TEST(ConfigTest, RejectsMissingRequired) {
  EXPECT_EQ(Error(kRegion), "test.toml:1:1: admin: missing required table");
  EXPECT_EQ(Error(Cat({kRegion, "[admin]\nsecret_access_key = \"0123456789abcdef\"\n"})),
            "test.toml:5:1: admin.access_key_id: missing required key");
  EXPECT_EQ(Error(Cat({kAdmin, "[[regions]]\nname = \"us-east-1\"\nendpoint = \"127.0.0.1:0\"\n"})),
            "test.toml:3:1: regions[0].app_endpoint: missing required key");
  EXPECT_EQ(Error(Cat({kAdmin, kRegion, "[[regions]]\n"})),
            "test.toml:7:1: regions[1].name: missing required key");
  EXPECT_EQ(Error(Cat({kAdmin, kRegion, "[tls]\ncert_file = \"c.pem\"\n"})),
            "test.toml:7:1: tls.key_file: missing required key");
}

// Verifies AWS-style region name validation.
TEST(ConfigTest, ValidatesRegionNames) {
  auto named = [](std::string_view name) {
    return Cat({kAdmin, "[[regions]]\nname = \"", name,
                "\"\nendpoint = \"127.0.0.1:0\"\napp_endpoint = \"127.0.0.1:0\"\n"});
  };
  for (std::string_view good : {"ap-south-1", "us-gov-west-1", "eu-central-12", "me-south-1"}) {
    EXPECT_TRUE(Parse(named(good)).ok()) << good;
  }
  for (std::string_view bad : {"Ap-south-1", "ap-south", "south-1", "a-south-1", "abc-south-1",
                               "ap--south-1", "ap-south-1-", "ap-south-x", "ap_south_1", "ap-1"}) {
    EXPECT_THAT(Error(named(bad)), HasSubstr("test.toml:4:8: regions[0].name: ")) << bad;
  }
  EXPECT_EQ(Error(named("")), "test.toml:4:8: regions[0].name: must not be empty");
}

// Verifies the admin access key format, and that a bad secret is rejected
// without being echoed.
TEST(ConfigTest, ValidatesAdminCredentials) {
  auto admin = [](std::string_view body) { return Cat({"[admin]\n", body, "\n", kRegion}); };
  EXPECT_EQ(Error(admin("access_key_id = \"AKIA\"")),
            "test.toml:2:17: admin.access_key_id: must be 16 to 128 characters from A-Z and 0-9, "
            "got \"AKIA\"");
  EXPECT_THAT(Error(admin("access_key_id = \"akiatesttesttest\"")),
              HasSubstr("admin.access_key_id"));
  EXPECT_THAT(Error(admin("access_key_id = \"" + std::string(129, 'A') + "\"")),
              HasSubstr("admin.access_key_id"));
  EXPECT_TRUE(Parse(admin("access_key_id = \"" + std::string(128, 'A') + "\"")).ok());

  std::string short_secret =
      Error(admin("access_key_id = \"AKIATESTTESTTEST\"\nsecret_access_key = \"tooshort\""));
  EXPECT_EQ(short_secret,
            "test.toml:3:21: admin.secret_access_key: must be at least 16 characters, got 8");
  std::string spaced = Error(
      admin("access_key_id = \"AKIATESTTESTTEST\"\nsecret_access_key = \"0123456789 abcdef\""));
  EXPECT_THAT(spaced, HasSubstr("admin.secret_access_key: must be printable ASCII"));
  EXPECT_THAT(spaced, Not(HasSubstr("0123456789")));
}

// Verifies log level and empty string checks in [server].
TEST(ConfigTest, ValidatesServerStrings) {
  EXPECT_EQ(
      Error(Cat({"[server]\nlog_level = \"verbose\"\n", kAdmin, kRegion})),
      "test.toml:2:13: server.log_level: must be one of trace, debug, info, warn, error, off; "
      "got \"verbose\"");
  EXPECT_EQ(Error(Cat({"[server]\naccess_log = \"\"\n", kAdmin, kRegion})),
            "test.toml:2:14: server.access_log: must not be empty");
  for (std::string_view level : {"trace", "debug", "info", "warn", "error", "off"}) {
    Result<Config> config = Parse(
        Cat({"[server]\nlog_level = \"", level, "\"\naccess_log = \"off\"\n", kAdmin, kRegion}));
    ASSERT_TRUE(config.ok()) << level;
    EXPECT_EQ(config->log_level, level);
    EXPECT_EQ(config->access_log, "off");
  }
}

// Verifies that inline tables and dotted keys are read like the long forms.
TEST(ConfigTest, AcceptsEquivalentTomlForms) {
  Result<Config> config = Parse(
      "admin = { access_key_id = \"AKIATESTTESTTEST\" }\n"
      "server.threads = 2\n"
      "regions = [ { name = \"us-east-1\", endpoint = \"127.0.0.1:1\", app_endpoint = "
      "\"127.0.0.1:2\" } ]\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->threads, 2u);
  EXPECT_EQ(config->regions.at(0).app_endpoint.port, 2);
  EXPECT_EQ(Error("admin = { access_key_id = \"AKIATESTTESTTEST\" }\n"
                  "regions = [ { name = \"us-east-1\", endpoint = \"127.0.0.1\" } ]\n"),
            "test.toml:2:46: regions[0].endpoint: expected \"host:port\", got \"127.0.0.1\"");
}

// Verifies that arbitrary damage to a valid document never throws out of
// ParseConfig: every outcome is a value or a Status.
TEST(ConfigTest, NeverThrowsOnDamagedInput) {
  const std::string base = Cat({"[server]\nthreads = 2\n[limits]\nmax_connections = 10\n", kAdmin,
                                kRegion, "[tls]\ncert_file = \"a\"\nkey_file = \"b\"\n"});
  ASSERT_TRUE(Parse(base).ok());
  std::mt19937 rng(20240601);
  static constexpr char kChars[] = "[]{}=\".,:-_#\n\\ 0123456789aeAZ\0\xff\xc3";
  const std::string alphabet(kChars, sizeof(kChars) - 1);
  for (int i = 0; i < 3000; ++i) {
    std::string text = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.erase(at, 1 + rng() % 8); break;
        default: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    EXPECT_NO_THROW({
      Result<Config> config = Parse(text);
      if (!config.ok()) {
        EXPECT_THAT(config.status().message(), StartsWith("test.toml:"));
        EXPECT_EQ(config.status().message().find('\n'), std::string::npos);
      }
    }) << text;
  }
}

// Verifies that the shipped default stack loads and has the five regions.
TEST(ConfigTest, LoadsDefaultStack) {
  fs::path file = fs::path(STRATUS_SOURCE_DIR) / "config" / "stratus.toml";
  Result<Config> config = LoadConfig(file, std::nullopt);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->data_root, fs::current_path() / "data");
  EXPECT_EQ(config->log_level, "info");
  EXPECT_EQ(config->access_log, "access.log");
  EXPECT_FALSE(config->tls.has_value());
  EXPECT_EQ(config->admin.access_key_id, "AKIASTRATUSADMIN0001");
  EXPECT_EQ(config->admin.secret_access_key, "");

  struct Expected {
    std::string_view name, endpoint, app;
  };
  const Expected expected[] = {
      {"ap-south-1", "127.0.0.1:4566", "127.0.0.1:8080"},
      {"ap-southeast-1", "127.0.0.1:4567", "127.0.0.1:8081"},
      {"us-east-1", "127.0.0.1:4568", "127.0.0.1:8082"},
      {"eu-west-1", "127.0.0.1:4569", "127.0.0.1:8083"},
      {"eu-west-2", "127.0.0.1:4570", "127.0.0.1:8084"},
  };
  ASSERT_EQ(config->regions.size(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    const RegionConfig& region = config->regions[i];
    EXPECT_EQ(region.name, expected[i].name);
    EXPECT_EQ(region.endpoint.ToString(), expected[i].endpoint);
    EXPECT_EQ(region.app_endpoint.ToString(), expected[i].app);
    EXPECT_EQ(region.data_dir, fs::current_path() / "data" / expected[i].name);
  }
  // The seeds' resources: the primary's buckets, queues, rule and topic.
  const RegionConfig& primary = config->regions[0];
  ASSERT_EQ(primary.buckets.size(), 5u);
  EXPECT_EQ(primary.buckets[2].name, "documents");
  EXPECT_TRUE(primary.buckets[2].eventbridge);
  EXPECT_EQ(primary.buckets[2].replicate_to, std::vector<std::string>{"documents-replica"});
  ASSERT_EQ(primary.queues.size(), 3u);
  EXPECT_EQ(primary.queues[1].dead_letter_queue, "validation-dlq");
  ASSERT_EQ(primary.rules.size(), 1u);
  EXPECT_EQ(primary.rules[0].queues, std::vector<std::string>{"validation-queue"});
  EXPECT_EQ(primary.topics[0].email, std::vector<std::string>{"ops@stratus.local"});
  const RegionConfig& replica = config->regions[1];
  ASSERT_EQ(replica.buckets[0].notifications.size(), 1u);
  EXPECT_EQ(replica.buckets[0].notifications[0].function, "replica-processor");
  EXPECT_EQ(replica.tables[0].hash_key, "object_key");
}

// Verifies that HostPort parses what it prints and prints what it parsed.
TEST(HostPortTest, RoundTrips) {
  for (std::string_view text :
       {"127.0.0.1:4566", "0.0.0.0:0", "localhost:65535", "[::1]:4566", "[::]:80",
        "[fe80::1%eth0]:8080", "[::ffff:127.0.0.1]:1", "my-host.example.com:443", "HOST_1:9"}) {
    Result<HostPort> parsed = HostPort::Parse(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->ToString(), text);
    Result<HostPort> again = HostPort::Parse(parsed->ToString());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->host, parsed->host);
    EXPECT_EQ(again->port, parsed->port);
  }
  Result<HostPort> v6 = HostPort::Parse("[::1]:4566");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 4566);
  EXPECT_EQ((HostPort{"10.0.0.1", 7}).ToString(), "10.0.0.1:7");
  EXPECT_EQ((HostPort{"2001:db8::1", 7}).ToString(), "[2001:db8::1]:7");
  EXPECT_EQ(HostPort::Parse("h:00080")->port, 80);
}

// Verifies that malformed addresses are kInvalidArgument.
TEST(HostPortTest, RejectsMalformed) {
  for (std::string_view text : {"", "localhost", ":80", "::1:80", "[::1]", "[::1]80", "[::1:80",
                                "[]:80", "[zz::1]:80", "[127.0.0.1]:80", "h:", "h:65536", "h:-1",
                                "h:+1", "h:abc", "h:123456", "a b:80", "a/b:80", "h:80 "}) {
    Result<HostPort> parsed = HostPort::Parse(text);
    EXPECT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument) << text;
  }
  EXPECT_EQ(HostPort::Parse("localhost").status().message(),
            "expected \"host:port\", got \"localhost\"");
}

TEST(ConfigTest, ReadsFunctionsAndEventSourceMappings) {
  Result<Config> config = Parse(Cat({kAdmin, kRegion,
                                     "[[regions.functions]]\n"
                                     "name = \"checksum-validator\"\n"
                                     "timeout_seconds = 60\n"
                                     "on_failure = \"arn:aws:sqs:us-east-1:000000000000:failed\"\n"
                                     "environment = { REPLICA_REGION = \"eu-west-1\" }\n"
                                     "[[regions.event_source_mappings]]\n"
                                     "function = \"checksum-validator\"\n"
                                     "queue = \"validation-queue\"\n"
                                     "batch_size = 5\n"
                                     "report_batch_item_failures = true\n"}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const auto& region = config->regions[0];
  ASSERT_EQ(region.functions.size(), 1u);
  EXPECT_EQ(region.functions[0].name, "checksum-validator");
  EXPECT_EQ(region.functions[0].timeout_seconds, 60u);
  EXPECT_EQ(region.functions[0].memory_mb, 128u);
  EXPECT_EQ(region.functions[0].on_failure, "arn:aws:sqs:us-east-1:000000000000:failed");
  ASSERT_EQ(region.functions[0].environment.size(), 1u);
  EXPECT_EQ(region.functions[0].environment[0].second, "eu-west-1");
  ASSERT_EQ(region.event_source_mappings.size(), 1u);
  EXPECT_EQ(region.event_source_mappings[0].queue, "validation-queue");
  EXPECT_EQ(region.event_source_mappings[0].batch_size, 5u);
  EXPECT_TRUE(region.event_source_mappings[0].report_batch_item_failures);
}

TEST(ConfigTest, RejectsBadFunctions) {
  auto fn = [](std::string_view body) { return Cat({kAdmin, kRegion, "[[regions.functions]]\n", body}); };
  EXPECT_THAT(Error(fn("name = \"a b\"\n")), HasSubstr("regions[0].functions[0].name"));
  EXPECT_THAT(Error(fn("name = \"f\"\ntimeout_seconds = 901\n")), HasSubstr("must be at most 900"));
  EXPECT_THAT(Error(fn("name = \"f\"\nenvironment = { N = 1 }\n")), HasSubstr("environment.N: expected a string"));
  EXPECT_THAT(Error(fn("name = \"f\"\non_failure = \"somewhere\"\n")), HasSubstr("on_failure"));
  EXPECT_THAT(Error(fn("name = \"f\"\nnmae = 1\n")), HasSubstr("unknown key"));
  EXPECT_THAT(Error(Cat({kAdmin, kRegion, "[[regions.event_source_mappings]]\nfunction = \"nobody\"\nqueue = \"q\"\n"})),
              HasSubstr("no function \"nobody\""));
}

TEST(ConfigTest, ReadsResources) {
  Result<Config> config = Parse(Cat({kAdmin, kRegion,
                                     "[[regions.buckets]]\n"
                                     "name = \"b\"\n"
                                     "versioning = true\n"
                                     "replicate_to = [\"b-copy\"]\n"
                                     "notifications = [{ queue = \"q\", prefix = \"in/\" }]\n"
                                     "[[regions.queues]]\n"
                                     "name = \"q\"\n"
                                     "dead_letter_queue = \"dlq\"\n"
                                     "attributes = { VisibilityTimeout = \"9\" }\n"
                                     "[[regions.tables]]\n"
                                     "name = \"t\"\n"
                                     "hash_key = \"pk\"\n"
                                     "range_key = \"n\"\n"
                                     "range_key_type = \"N\"\n"
                                     "[[regions.rules]]\n"
                                     "name = \"r\"\n"
                                     "event_pattern = '{\"source\": [\"x\"]}'\n"
                                     "topics = [\"alerts\"]\n"}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const auto& region = config->regions[0];
  ASSERT_EQ(region.buckets.size(), 1u);
  ASSERT_EQ(region.buckets[0].notifications.size(), 1u);
  EXPECT_EQ(region.buckets[0].notifications[0].events, std::vector<std::string>{"s3:ObjectCreated:*"});
  EXPECT_EQ(region.buckets[0].notifications[0].prefix, "in/");
  EXPECT_EQ(region.queues[0].max_receive_count, 3u);
  EXPECT_EQ(region.queues[0].attributes[0], (std::pair<std::string, std::string>{"VisibilityTimeout", "9"}));
  EXPECT_EQ(region.tables[0].range_key_type, "N");
  EXPECT_EQ(region.rules[0].topics, std::vector<std::string>{"alerts"});
}

TEST(ConfigTest, RejectsBadResources) {
  auto with = [](std::string_view body) { return Cat({kAdmin, kRegion, body}); };
  EXPECT_THAT(Error(with("[[regions.buckets]]\nname = \"b\"\nreplicate_to = [\"c\"]\n")),
              HasSubstr("replication needs versioning = true"));
  EXPECT_THAT(Error(with("[[regions.buckets]]\nname = \"b\"\nnotifications = [{ queue = \"q\", topic = \"t\" }]\n")),
              HasSubstr("exactly one of function, queue or topic"));
  EXPECT_THAT(Error(with("[[regions.buckets]]\nname = \"b\"\n[[regions.buckets]]\nname = \"b\"\n")),
              HasSubstr("duplicate bucket \"b\""));
  EXPECT_THAT(Error(with("[[regions.queues]]\nname = \"q\"\nattributes = { VisibilityTimeout = 5 }\n")),
              HasSubstr("attributes.VisibilityTimeout: expected a string"));
  EXPECT_THAT(Error(with("[[regions.tables]]\nname = \"t\"\nhash_key = \"k\"\nhash_key_type = \"X\"\n")),
              HasSubstr("hash_key_type: expected \"S\", \"N\" or \"B\""));
  EXPECT_THAT(Error(with("[[regions.topics]]\nname = \"t\"\nemail = [\"nobody\"]\n")),
              HasSubstr("not an email address"));
  EXPECT_THAT(Error(with("[[regions.rules]]\nname = \"r\"\n")), HasSubstr("missing required key"));
  EXPECT_THAT(Error(with("[[regions.rules]]\nname = \"r\"\nevent_pattern = \"{}\"\nqueue = [\"q\"]\n")),
              HasSubstr("unknown key (did you mean \"queues\"?)"));
}

}  // namespace
}  // namespace common
