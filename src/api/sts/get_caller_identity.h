#pragma once

// STS GetCallerIdentity (Query protocol): who the signed request's
// credentials belong to. Needs no permission, as in AWS.

#include "api/common/op.h"

namespace api::sts {

inline constexpr std::string_view kXmlns = "https://sts.amazonaws.com/doc/2011-06-15/";

struct GetCallerIdentity {
  static constexpr OpSpec kSpec{.name = "GetCallerIdentity",
                                .action = "sts:GetCallerIdentity",
                                .body = BodyPolicy::kBuffered,
                                .max_body = 64 * 1024};
  struct Request {};
  struct Output {
    std::string arn;
    std::string user_id;
    std::string account;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<Output>> Execute(OpContext& ctx, Request req);
  static void Render(const Output& out, OpContext& ctx, net::Response& res);
};

}  // namespace api::sts
