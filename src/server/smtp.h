#pragma once

// SendMail: one message through a plain SMTP relay (RFC 5321: EHLO, MAIL
// FROM, RCPT TO, DATA with dot-stuffing, QUIT), for SNS email subscriptions
// when [email].smtp_relay is configured. Blocking, each read and write
// bounded by `timeout`. kUnavailable when the relay cannot be reached or
// answers 4xx (retried by the caller); kInvalidArgument when it refuses with
// 5xx; kTimeout.

#include <chrono>
#include <string_view>

#include "common/config.h"
#include "common/status.h"

namespace server {

common::Status SendMail(const common::HostPort& relay, std::string_view from, std::string_view to,
                        std::string_view message, std::chrono::seconds timeout = std::chrono::seconds(30));

}  // namespace server
