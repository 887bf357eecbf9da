#pragma once

// The admin operations. Each is one class in the shape op.h describes.

#include "api/common/op.h"

namespace api::admin {

// GET /_stratus/health — liveness: 200 while the process serves.
struct Health {
  static constexpr OpSpec kSpec{.name = "Health", .action = "", .anonymous = true};
  struct Request {};
  struct Output {
    std::string region;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<Output>> Execute(OpContext& ctx, Request req);
  static void Render(const Output& out, OpContext& ctx, net::Response& res);
};

// GET /_stratus/ready — readiness: 200 once storage is open and every
// listener is bound; 503 while starting or stopping.
struct Ready {
  static constexpr OpSpec kSpec{.name = "Ready", .action = "", .anonymous = true};
  struct Request {};
  struct Output {
    Readiness state;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<Output>> Execute(OpContext& ctx, Request req);
  static void Render(const Output& out, OpContext& ctx, net::Response& res);
};

// GET /_stratus/metrics — the region's metrics as Prometheus text.
struct Metrics {
  static constexpr OpSpec kSpec{.name = "Metrics", .action = "", .anonymous = true};
  struct Request {};
  struct Output {
    std::string text;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<Output>> Execute(OpContext& ctx, Request req);
  static void Render(const Output& out, OpContext& ctx, net::Response& res);
};

// GET /_stratus/replication[?bucket=B] — the region's replication backlog,
// lag and outcomes per rule, as JSON (what `stratus replication status` prints).
struct ReplicationStatus {
  static constexpr OpSpec kSpec{.name = "ReplicationStatus", .action = "", .anonymous = true};
  struct Request {
    std::string bucket;  // "" = all
  };
  struct Output {
    std::string json;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<Output>> Execute(OpContext& ctx, Request req);
  static void Render(const Output& out, OpContext& ctx, net::Response& res);
};

// GET /_stratus/sns-signing-cert.pem — the certificate of the key that signs
// this region's SNS messages (their SigningCertURL). 404 when none.
struct SnsSigningCertificate {
  static constexpr OpSpec kSpec{.name = "SnsSigningCertificate", .action = "", .anonymous = true};
  struct Request {};
  struct Output {
    std::string pem;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<Output>> Execute(OpContext& ctx, Request req);
  static void Render(const Output& out, OpContext& ctx, net::Response& res);
};

}  // namespace api::admin
