#pragma once

// Operations: what every protocol front end registers in its route table.
// An operation is a class with a static spec and three stages (STYLE.md §2):
//
//   struct GetThing {
//     static constexpr OpSpec kSpec{.name = "GetThing", .action = "svc:GetThing"};
//     struct Request { ... };
//     static Result<Request> Parse(OpContext& ctx);                          // pure
//     static net::awaitable<Result<Output>> Execute(OpContext& ctx, Request r);
//     static void Render(const Output& out, OpContext& ctx, net::Response& res);  // pure
//   };
//
// MakeOp<T>() turns such a class into an Op the pipeline can run. The pipeline
// does everything around it: routing, body policy, authentication,
// authorisation, error mapping, metrics and the access log.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "api/common/services.h"
#include "auth/credentials.h"
#include "auth/sigv4.h"
#include "common/status.h"
#include "net/http_types.h"

namespace api {

using common::Result;
using common::Status;

// How the pipeline takes the request body before Execute.
enum class BodyPolicy {
  kNone,      // no body expected; one that is sent is not read (the connection closes)
  kBuffered,  // read whole into OpContext::body, up to OpSpec::max_body (0 = the listener's limit)
  kStreamed,  // the op reads it itself through OpContext::exchange.ReadSome
};

struct OpSpec {
  std::string_view name;    // wire name, e.g. "PutObject"; the metrics label
  std::string_view action;  // IAM action, e.g. "s3:PutObject"; "" for unauthenticated admin ops
  BodyPolicy body = BodyPolicy::kNone;
  uint64_t max_body = 0;
  bool anonymous = false;   // allowed without credentials (health checks)
};

// Where a request was routed: the op plus what the route extracted.
struct RouteMatch {
  const struct Op* op = nullptr;
  std::string service;  // e.g. "s3", "dynamodb", "sqs", "_stratus"
  std::string bucket;   // REST-XML (S3) targets
  std::string key;
  std::map<std::string, std::string, std::less<>> query;  // decoded query parameters
};

// Everything an operation may use. Lives for one request, on its strand.
struct OpContext {
  net::Exchange& exchange;
  const RouteMatch& route;
  const std::string& request_id;
  Services& services;
  auth::Principal principal;
  std::optional<std::string> body;  // set when the op's policy is kBuffered
  // What the request's signature established (absent for anonymous ops):
  // streamed S3 bodies check their payload hash and aws-chunked signatures with it.
  std::optional<auth::SigV4Result> signature;
};

using OpRunner = net::awaitable<Result<net::Response>> (*)(OpContext&);

struct Op {
  OpSpec spec;
  OpRunner run;
};

// An op whose Execute yields the net::Response itself (a streamed body, or a
// response whose shape depends on the outcome) has no Render.
template <typename T>
net::awaitable<Result<net::Response>> RunOp(OpContext& ctx) {
  auto request = T::Parse(ctx);
  if (!request.ok()) co_return request.status();
  auto output = co_await T::Execute(ctx, std::move(request).value());
  if (!output.ok()) co_return output.status();
  if constexpr (std::is_same_v<std::decay_t<decltype(*output)>, net::Response>) {
    co_return std::move(output).value();
  } else {
    net::Response res;
    T::Render(*output, ctx, res);
    co_return res;
  }
}

template <typename T>
constexpr Op MakeOp() {
  return Op{T::kSpec, &RunOp<T>};
}

}  // namespace api
