#include "api/s3/routes.h"

#include "api/s3/ops/bucket_policy.h"
#include "api/s3/ops/buckets.h"
#include "api/s3/ops/cors.h"
#include "api/s3/ops/list_objects.h"
#include "api/s3/ops/multipart.h"
#include "api/s3/ops/object_attributes.h"
#include "api/s3/ops/objects.h"
#include "api/s3/ops/public_access_block.h"
#include "api/s3/ops/notification.h"
#include "api/s3/ops/replication.h"
#include "api/s3/ops/tagging.h"

namespace api::s3 {
namespace {

using rest_xml::RestRoute;
using rest_xml::Target;
using V = net::http::verb;

template <typename T>
const Op* OpOf() {
  static const Op op = MakeOp<T>();
  return &op;
}

}  // namespace

std::vector<RestRoute> Routes() {
  return {
      // Service.
      {V::get, Target::kService, "", "", OpOf<ListBuckets>()},
      // Buckets.
      {V::put, Target::kBucket, "", "", OpOf<CreateBucket>()},
      {V::delete_, Target::kBucket, "", "", OpOf<DeleteBucket>()},
      {V::head, Target::kBucket, "", "", OpOf<HeadBucket>()},
      {V::get, Target::kBucket, "location", "", OpOf<GetBucketLocation>()},
      {V::get, Target::kBucket, "versioning", "", OpOf<GetBucketVersioning>()},
      {V::put, Target::kBucket, "versioning", "", OpOf<PutBucketVersioning>()},
      {V::get, Target::kBucket, "tagging", "", OpOf<GetBucketTagging>()},
      {V::put, Target::kBucket, "tagging", "", OpOf<PutBucketTagging>()},
      {V::delete_, Target::kBucket, "tagging", "", OpOf<DeleteBucketTagging>()},
      {V::get, Target::kBucket, "cors", "", OpOf<GetBucketCors>()},
      {V::put, Target::kBucket, "cors", "", OpOf<PutBucketCors>()},
      {V::delete_, Target::kBucket, "cors", "", OpOf<DeleteBucketCors>()},
      {V::options, Target::kBucket, "", "", OpOf<PreflightRequest>()},
      {V::get, Target::kBucket, "publicAccessBlock", "", OpOf<GetPublicAccessBlock>()},
      {V::put, Target::kBucket, "publicAccessBlock", "", OpOf<PutPublicAccessBlock>()},
      {V::delete_, Target::kBucket, "publicAccessBlock", "", OpOf<DeletePublicAccessBlock>()},
      {V::get, Target::kBucket, "policy", "", OpOf<GetBucketPolicy>()},
      {V::put, Target::kBucket, "policy", "", OpOf<PutBucketPolicy>()},
      {V::delete_, Target::kBucket, "policy", "", OpOf<DeleteBucketPolicy>()},
      {V::get, Target::kBucket, "policyStatus", "", OpOf<GetBucketPolicyStatus>()},
      {V::get, Target::kBucket, "notification", "", OpOf<GetBucketNotificationConfiguration>()},
      {V::put, Target::kBucket, "notification", "", OpOf<PutBucketNotificationConfiguration>()},
      {V::get, Target::kBucket, "replication", "", OpOf<GetBucketReplication>()},
      {V::put, Target::kBucket, "replication", "", OpOf<PutBucketReplication>()},
      {V::delete_, Target::kBucket, "replication", "", OpOf<DeleteBucketReplication>()},
      {V::get, Target::kBucket, "", "", OpOf<ListObjects>()},
      {V::get, Target::kBucket, "list-type", "", OpOf<ListObjectsV2>()},
      {V::get, Target::kBucket, "versions", "", OpOf<ListObjectVersions>()},
      {V::get, Target::kBucket, "uploads", "", OpOf<ListMultipartUploads>()},
      {V::post, Target::kBucket, "delete", "", OpOf<DeleteObjects>()},
      // Objects.
      {V::put, Target::kObject, "", "", OpOf<PutObject>()},
      {V::put, Target::kObject, "", "x-amz-copy-source", OpOf<CopyObject>()},
      {V::get, Target::kObject, "", "", OpOf<GetObject>()},
      {V::head, Target::kObject, "", "", OpOf<HeadObject>()},
      {V::delete_, Target::kObject, "", "", OpOf<DeleteObject>()},
      {V::options, Target::kObject, "", "", OpOf<PreflightRequest>()},
      {V::get, Target::kObject, "attributes", "", OpOf<GetObjectAttributes>()},
      {V::get, Target::kObject, "tagging", "", OpOf<GetObjectTagging>()},
      {V::put, Target::kObject, "tagging", "", OpOf<PutObjectTagging>()},
      {V::delete_, Target::kObject, "tagging", "", OpOf<DeleteObjectTagging>()},
      // Multipart.
      {V::post, Target::kObject, "uploads", "", OpOf<CreateMultipartUpload>()},
      {V::put, Target::kObject, "uploadId", "", OpOf<UploadPart>()},
      {V::put, Target::kObject, "uploadId", "x-amz-copy-source", OpOf<UploadPartCopy>()},
      {V::post, Target::kObject, "uploadId", "", OpOf<CompleteMultipartUpload>()},
      {V::delete_, Target::kObject, "uploadId", "", OpOf<AbortMultipartUpload>()},
      {V::get, Target::kObject, "uploadId", "", OpOf<ListParts>()},
  };
}

}  // namespace api::s3
