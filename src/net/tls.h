#pragma once

// TLS server contexts for the listeners.

#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "common/config.h"

namespace net {

// A TLS 1.2+ server context with the PEM certificate chain and private key of
// `tls`. kInvalidArgument naming the file when either cannot be loaded or
// they do not match.
common::Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const common::TlsConfig& tls);

}  // namespace net
