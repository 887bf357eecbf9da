#include "net/tls.h"

#include <openssl/ssl.h>

#include <fmt/format.h>

namespace net {

common::Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const common::TlsConfig& tls) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_file.string(), ec);
  if (ec) {
    return common::Status(common::ErrorCode::kInvalidArgument,
                          fmt::format("cannot load TLS certificate {}: {}", tls.cert_file.string(),
                                      ec.message()));
  }
  ctx->use_private_key_file(tls.key_file.string(), ssl::context::pem, ec);
  if (ec) {
    return common::Status(common::ErrorCode::kInvalidArgument,
                          fmt::format("cannot load TLS private key {}: {}", tls.key_file.string(),
                                      ec.message()));
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return common::Status(common::ErrorCode::kInvalidArgument,
                          fmt::format("TLS private key {} does not match certificate {}",
                                      tls.key_file.string(), tls.cert_file.string()));
  }
  return ctx;
}

}  // namespace net
