#include "service/topics/signing.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/checksum.h"
#include "common/ids.h"

namespace service::topics {
namespace {

namespace fs = std::filesystem;
using common::ErrorCode;
using common::Result;
using common::Status;

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Status WriteFile(const fs::path& p, const std::string& content, mode_t mode) {
  fs::path tmp = p;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status(ErrorCode::kIoError, fmt::format("cannot write {}", tmp.string()));
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), p.c_str()) != 0) return Status(ErrorCode::kIoError, fmt::format("cannot write {}", p.string()));
  return Status::Ok();
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

struct SnsSigner::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

SnsSigner::~SnsSigner() = default;

Result<std::shared_ptr<const SnsSigner>> SnsSigner::LoadOrCreate(const fs::path& dir, std::string_view region) {
  std::shared_ptr<SnsSigner> signer(new SnsSigner());
  signer->key_ = std::make_unique<Key>();
  const fs::path key_path = dir / "signing-key.pem", cert_path = dir / "signing-cert.pem";
  std::error_code ec;
  if (fs::exists(key_path, ec) && fs::exists(cert_path, ec)) {
    std::string key_pem = ReadFile(key_path);
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
    signer->key_->pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    signer->certificate_pem_ = ReadFile(cert_path);
    if (signer->key_->pkey == nullptr || signer->certificate_pem_.empty()) {
      return Status(ErrorCode::kCorruption, fmt::format("the SNS signing key in {} cannot be read", dir.string()));
    }
    return std::shared_ptr<const SnsSigner>(std::move(signer));
  }
  fs::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::kIoError, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  signer->key_->pkey = EVP_RSA_gen(2048);
  if (signer->key_->pkey == nullptr) return Status(ErrorCode::kInternal, "cannot generate the SNS signing key");
  std::unique_ptr<X509, X509Deleter> cert(X509_new());
  X509_set_version(cert.get(), 2);
  std::string serial = common::RandomString(8, "123456789");
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), std::atol(serial.c_str()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), signer->key_->pkey);
  std::string cn = fmt::format("sns.{}.stratus.local", region);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("stratus"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), signer->key_->pkey, EVP_sha256()) == 0) {
    return Status(ErrorCode::kInternal, "cannot sign the SNS signing certificate");
  }
  std::unique_ptr<BIO, BioDeleter> key_bio(BIO_new(BIO_s_mem())), cert_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(key_bio.get(), signer->key_->pkey, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_X509(cert_bio.get(), cert.get());
  signer->certificate_pem_ = BioText(cert_bio.get());
  STRATUS_RETURN_IF_ERROR(WriteFile(key_path, BioText(key_bio.get()), 0600));
  STRATUS_RETURN_IF_ERROR(WriteFile(cert_path, signer->certificate_pem_, 0644));
  return std::shared_ptr<const SnsSigner>(std::move(signer));
}

std::string SnsSigner::CanonicalString(const boost::json::object& e) {
  auto type = e.if_contains("Type");
  bool notification = type != nullptr && type->is_string() && type->as_string() == "Notification";
  static constexpr const char* kNotification[] = {"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"};
  static constexpr const char* kConfirmation[] = {"Message", "MessageId", "SubscribeURL", "Timestamp",
                                                  "Token",   "TopicArn",  "Type"};
  std::string out;
  auto add = [&](const char* key) {
    auto* v = e.if_contains(key);
    if (v == nullptr || !v->is_string()) return;
    out += key;
    out += '\n';
    out += std::string_view(v->as_string());
    out += '\n';
  };
  if (notification) {
    for (const char* k : kNotification) add(k);
  } else {
    for (const char* k : kConfirmation) add(k);
  }
  return out;
}

std::string SnsSigner::Sign(std::string_view text, std::string_view version) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> md(EVP_MD_CTX_new());
  const EVP_MD* digest = version == "2" ? EVP_sha256() : EVP_sha1();
  size_t n = 0;
  if (EVP_DigestSignInit(md.get(), nullptr, digest, nullptr, key_->pkey) != 1 ||
      EVP_DigestSignUpdate(md.get(), text.data(), text.size()) != 1 ||
      EVP_DigestSignFinal(md.get(), nullptr, &n) != 1) {
    return "";
  }
  std::string sig(n, '\0');
  if (EVP_DigestSignFinal(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &n) != 1) return "";
  sig.resize(n);
  return common::Base64Encode(sig);
}

}  // namespace service::topics
