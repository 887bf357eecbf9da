#pragma once

// S3Client: the S3 requests stratus itself sends (replication; later the
// functions' AWS client), path style, signed with SigV4 for the endpoint's
// region. Works unchanged against another stratus region, AWS or any
// S3-compatible server. Thread-safe: one client serves many coroutines.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "common/config.h"
#include "common/status.h"
#include "net/http_client.h"

namespace client {

struct Endpoint {
  common::HostPort address;
  std::string region;  // the region requests are signed for
  auth::Credentials credentials;
  bool tls = false;    // https
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct S3Request {
  net::http::verb method = net::http::verb::get;
  std::string bucket;
  std::string key;    // "" for a bucket request
  std::string query;  // raw, already encoded ("uploadId=...&partNumber=1"); "" = none
  Headers headers;
  std::string body;
};

// `request` as a path-style HTTP request to `host`, signed with SigV4 for
// `region` (payload unsigned).
net::ClientRequest BuildS3Request(S3Request request, std::string_view host, std::string_view region,
                                  const auth::Credentials& credentials);

class S3Client {
 public:
  S3Client(net::HttpClient& http, Endpoint endpoint) : http_(http), endpoint_(std::move(endpoint)) {}

  // Sends `request` with the payload unsigned (UNSIGNED-PAYLOAD; integrity is
  // the caller's x-amz-checksum-* header). Any HTTP status is OK; errors are
  // transport failures (see net::HttpClient::Send).
  net::awaitable<common::Result<net::ClientResponse>> Send(S3Request request);

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  net::HttpClient& http_;
  Endpoint endpoint_;
};

// The text of the first <element> of an S3 XML body ("" if there is none),
// e.g. ElementText(body, "UploadId"). Enough for the flat, unescaped values
// stratus reads back (ids, codes, statuses).
std::string ElementText(const std::string& body, std::string_view element);
// The <Code> of an S3 error body ("" if there is none).
inline std::string ErrorCodeOf(const net::ClientResponse& response) {
  return ElementText(response.body(), "Code");
}

}  // namespace client
