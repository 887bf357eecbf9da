#pragma once

// Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy,
// CompleteMultipartUpload, AbortMultipartUpload, ListParts,
// ListMultipartUploads.

#include "api/common/op.h"
#include "api/s3/ops/objects.h"
#include "service/objects/object_service.h"

namespace api::s3 {

struct UploadRequest {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number = 0;
};

struct CreateMultipartUpload {
  static constexpr OpSpec kSpec{.name = "CreateMultipartUpload", .action = "s3:PutObject"};
  struct Request {
    ObjectRequest target;
    service::objects::ObjectVersion meta;
    std::optional<common::ChecksumAlgorithm> algorithm;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct UploadPart {
  static constexpr OpSpec kSpec{.name = "UploadPart", .action = "s3:PutObject",
                                .body = BodyPolicy::kStreamed};
  static Result<UploadRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, UploadRequest r);
};

struct UploadPartCopy {
  static constexpr OpSpec kSpec{.name = "UploadPartCopy", .action = "s3:PutObject"};
  static Result<UploadRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, UploadRequest r);
};

struct CompleteMultipartUpload {
  static constexpr OpSpec kSpec{.name = "CompleteMultipartUpload", .action = "s3:PutObject",
                                .body = BodyPolicy::kBuffered, .max_body = 4 << 20};
  struct Request {
    UploadRequest upload;
    std::vector<service::objects::CompletedPartRef> parts;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct AbortMultipartUpload {
  static constexpr OpSpec kSpec{.name = "AbortMultipartUpload", .action = "s3:AbortMultipartUpload"};
  static Result<UploadRequest> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, UploadRequest r);
};

struct ListParts {
  static constexpr OpSpec kSpec{.name = "ListParts", .action = "s3:ListMultipartUploadParts"};
  struct Request {
    UploadRequest upload;
    int marker = 0;
    int max_parts = 1000;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

struct ListMultipartUploads {
  static constexpr OpSpec kSpec{.name = "ListMultipartUploads",
                                .action = "s3:ListBucketMultipartUploads"};
  struct Request {
    std::string bucket;
    service::objects::UploadQuery query;
    bool url_encoding = false;
  };
  static Result<Request> Parse(OpContext& ctx);
  static net::awaitable<Result<net::Response>> Execute(OpContext& ctx, Request r);
};

}  // namespace api::s3
