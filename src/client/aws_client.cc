#include "client/aws_client.h"

#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "api/query/models/models.h"
#include "auth/sigv4.h"

namespace client {

namespace json = boost::json;
using common::ErrorCode;
using common::Result;
using common::Status;

const QueryApi& Sns() {
  static const QueryApi api{"sns", "2010-03-31", &api::query::models::SnsModel};
  return api;
}

ErrorCode ErrorCodeFor(unsigned http_status, std::string_view code) {
  if (code.find("NotFound") != std::string_view::npos || code.starts_with("NoSuch") ||
      code == "AWS.SimpleQueueService.NonExistentQueue" || code == "QueueDoesNotExist") {
    return ErrorCode::kNotFound;
  }
  if (code == "ConditionalCheckFailedException" || http_status == 412) return ErrorCode::kPreconditionFailed;
  if (http_status == 429 || code.find("Throttl") != std::string_view::npos ||
      code == "ProvisionedThroughputExceededException" || code == "SlowDown") {
    return ErrorCode::kThrottled;
  }
  if (http_status >= 500) return ErrorCode::kUnavailable;
  switch (http_status) {
    case 403: return ErrorCode::kPermissionDenied;
    case 404: return ErrorCode::kNotFound;
    case 409: return ErrorCode::kConflict;
    case 413: return ErrorCode::kTooLarge;
    default: return ErrorCode::kInvalidArgument;
  }
}

std::string_view AwsErrorCode(const Status& status) {
  std::string_view m = status.message();
  size_t colon = m.find(": ");
  if (colon == std::string_view::npos || m.substr(0, colon).find(' ') != std::string_view::npos) return {};
  return m.substr(0, colon);
}

namespace {

Status ServiceError(unsigned http_status, std::string code, std::string_view message) {
  if (code.empty()) code = http_status >= 500 ? "InternalFailure" : "UnknownError";
  return Status(ErrorCodeFor(http_status, code), fmt::format("{}: {}", code, message));
}

// A signed POST of `body` to "/" on `host`.
net::ClientRequest SignedPost(const ClientEndpoint& endpoint, const std::string& host, std::string_view service,
                              std::vector<std::pair<std::string, std::string>> headers, std::string body) {
  auth::SignableRequest signable;
  signable.method = "POST";
  signable.path = "/";
  signable.headers = std::move(headers);
  signable.headers.emplace_back("host", host);
  signable.payload_hash = auth::Sha256Hex(body);
  auth::Sign(signable, endpoint.credentials, endpoint.region, service, std::chrono::system_clock::now(), false);
  net::ClientRequest out(net::http::verb::post, "/", 11);
  for (const auto& [name, value] : signable.headers) out.set(name, value);
  out.body() = std::move(body);
  out.prepare_payload();
  return out;
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += auth::UriEncode(name, true);
    out += '=';
    out += auth::UriEncode(value, true);
  }
  return out;
}

}  // namespace

std::shared_ptr<Transport> AwsClient::TransportFor(std::string_view service) const {
  return endpoint_.per_service ? endpoint_.per_service(service) : endpoint_.transport;
}

Result<net::ClientResponse> AwsClient::Run(std::shared_ptr<Transport> transport, net::ClientRequest request) const {
  auto now = std::chrono::steady_clock::now();
  if (deadline_ && now >= *deadline_) return Status(ErrorCode::kTimeout, "the invocation's time is up");
  auto future = net::asio::co_spawn(
      executor_,
      [transport, request = std::move(request)]() mutable -> net::awaitable<std::optional<Result<net::ClientResponse>>> {
        co_return co_await transport->Send(std::move(request));
      },
      net::asio::use_future);
  if (deadline_ && future.wait_until(*deadline_) == std::future_status::timeout) {
    return Status(ErrorCode::kTimeout, "the invocation's time is up");
  }
  try {
    return *future.get();
  } catch (const std::exception& e) {
    return Status(ErrorCode::kInternal, std::string("request failed: ") + e.what());
  }
}

Result<json::object> AwsClient::Json(const JsonApi& api, std::string_view op, const json::object& input) const {
  auto transport = TransportFor(api.signing_name);
  auto response = Run(transport, SignedPost(endpoint_, transport->host(), api.signing_name,
                                 {{"content-type", std::string(api.content_type)},
                                  {"x-amz-target", fmt::format("{}.{}", api.target_prefix, op)}},
                                 json::serialize(input)));
  if (!response.ok()) return response.status();
  boost::system::error_code ec;
  json::value body = json::parse(response->body().empty() ? "{}" : response->body(), ec);
  unsigned status = response->result_int();
  if (status != 200) {
    std::string code;
    std::string message = response->body();
    if (!ec && body.is_object()) {
      const json::object& o = body.as_object();
      if (auto* t = o.if_contains("__type"); t != nullptr && t->is_string()) {
        std::string_view type = t->as_string();
        code = std::string(type.substr(type.find('#') == std::string_view::npos ? 0 : type.find('#') + 1));
      }
      for (const char* key : {"message", "Message"}) {
        if (auto* m = o.if_contains(key); m != nullptr && m->is_string()) message = std::string(m->as_string());
      }
    }
    if (auto q = response->find("x-amzn-query-error"); code.empty() && q != response->end()) {
      std::string_view v = q->value();
      code = std::string(v.substr(0, v.find(';')));
    }
    return ServiceError(status, std::move(code), message);
  }
  if (ec || !body.is_object()) return Status(ErrorCode::kIoError, fmt::format("{} {}: the response is not a JSON object", api.signing_name, op));
  return std::move(body.as_object());
}

Result<json::object> AwsClient::Query(const QueryApi& api, std::string_view op, const json::object& input) const {
  const api::query::ServiceModel& model = api.model();
  auto params = model.EncodeInput(op, input);
  if (!params.ok()) return params.status();
  std::vector<std::pair<std::string, std::string>> form{{"Action", std::string(op)},
                                                        {"Version", std::string(api.version)}};
  form.insert(form.end(), params->begin(), params->end());
  auto transport = TransportFor(api.signing_name);
  auto response = Run(transport, SignedPost(endpoint_, transport->host(), api.signing_name,
                                 {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}},
                                 FormEncode(form)));
  if (!response.ok()) return response.status();
  unsigned status = response->result_int();
  if (status != 200) {
    auto error = api::query::ServiceModel::DecodeError(response->body());
    return ServiceError(status, error.code, error.message.empty() ? response->body() : error.message);
  }
  return model.DecodeOutput(op, response->body());
}

std::string AwsClient::PresignS3(const S3Request& request, std::chrono::seconds expires) const {
  std::string path = "/" + request.bucket;
  if (!request.key.empty()) path += "/" + auth::UriEncode(request.key, false);
  auth::SignableRequest signable;
  signable.method = std::string(net::http::to_string(request.method));
  signable.path = path;
  signable.query = request.query;
  signable.headers = request.headers;
  std::string host = TransportFor("s3")->host();
  signable.headers.emplace_back("host", host);
  std::string query = auth::Presign(signable, endpoint_.credentials, endpoint_.region, "s3",
                                    std::chrono::system_clock::now(), expires);
  return endpoint_.scheme + "://" + host + path + "?" + query;
}

Result<net::ClientResponse> AwsClient::S3(S3Request request) const {
  auto transport = TransportFor("s3");
  std::string host = transport->host();
  return Run(std::move(transport), BuildS3Request(std::move(request), host, endpoint_.region, endpoint_.credentials));
}

}  // namespace client
