#include "client/s3_client.h"

#include <chrono>

#include "auth/sigv4.h"

namespace client {

net::ClientRequest BuildS3Request(S3Request request, std::string_view host, std::string_view region,
                                  const auth::Credentials& credentials) {
  std::string path = "/" + request.bucket;
  if (!request.key.empty()) path += "/" + auth::UriEncode(request.key, false);

  auth::SignableRequest signable;
  signable.method = std::string(net::http::to_string(request.method));
  signable.path = path;
  signable.query = request.query;
  signable.headers = std::move(request.headers);
  signable.headers.emplace_back("host", std::string(host));
  signable.payload_hash = "UNSIGNED-PAYLOAD";
  auth::Sign(signable, credentials, region, "s3", std::chrono::system_clock::now(), true);

  net::ClientRequest out;
  out.method(request.method);
  out.target(request.query.empty() ? path : path + "?" + request.query);
  out.version(11);
  for (const auto& [name, value] : signable.headers) out.set(name, value);
  out.body() = std::move(request.body);
  return out;
}

net::awaitable<common::Result<net::ClientResponse>> S3Client::Send(S3Request request) {
  const common::HostPort& to = endpoint_.address;
  std::string host = to.port == (endpoint_.tls ? 443 : 80) ? to.host : to.ToString();
  co_return co_await http_.Send(to, BuildS3Request(std::move(request), host, endpoint_.region, endpoint_.credentials),
                                endpoint_.tls);
}

std::string ElementText(const std::string& body, std::string_view element) {
  const std::string open = "<" + std::string(element) + ">";
  size_t start = body.find(open);
  if (start == std::string::npos) return {};
  start += open.size();
  size_t end = body.find('<', start);
  return end == std::string::npos ? std::string() : body.substr(start, end - start);
}

}  // namespace client
