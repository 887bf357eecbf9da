#include "api/sts/get_caller_identity.h"

#include <fmt/format.h>

#include "api/rest_xml/errors.h"

namespace api::sts {

Result<GetCallerIdentity::Request> GetCallerIdentity::Parse(OpContext& ctx) {
  auto version = ctx.route.query.find("Version");
  if (version != ctx.route.query.end() && version->second != "2011-06-15") {
    return Status(common::ErrorCode::kInvalidArgument,
                  fmt::format("Unsupported STS API version {}", version->second));
  }
  return Request{};
}

net::awaitable<Result<GetCallerIdentity::Output>> GetCallerIdentity::Execute(OpContext& ctx,
                                                                            Request) {
  // For the account root the UserId is the account id; for IAM users it is
  // their unique id (once IAM users exist).
  co_return Output{ctx.principal.arn, std::string(auth::kAccountId), std::string(auth::kAccountId)};
}

void GetCallerIdentity::Render(const Output& out, OpContext& ctx, net::Response& res) {
  res.msg.result(net::http::status::ok);
  res.msg.set(net::http::field::content_type, "text/xml");
  res.msg.body() = fmt::format(
      "<GetCallerIdentityResponse xmlns=\"{}\">\n"
      "  <GetCallerIdentityResult>\n"
      "    <Arn>{}</Arn>\n"
      "    <UserId>{}</UserId>\n"
      "    <Account>{}</Account>\n"
      "  </GetCallerIdentityResult>\n"
      "  <ResponseMetadata>\n"
      "    <RequestId>{}</RequestId>\n"
      "  </ResponseMetadata>\n"
      "</GetCallerIdentityResponse>\n",
      kXmlns, rest_xml::XmlEscape(out.arn), rest_xml::XmlEscape(out.user_id), out.account,
      ctx.request_id);
  res.msg.prepare_payload();
}

}  // namespace api::sts
