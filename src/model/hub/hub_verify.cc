#include "model/hub/hub_verify.h"

#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "model/intake/file_digest.h"

namespace bastion::model {
namespace {

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < size; ++i) out += {kHex[bytes[i] >> 4], kHex[bytes[i] & 15]};
  return out;
}

Status Mismatch(const HubFile& file, std::string_view what, const std::string& got,
                const std::string& want) {
  return Status::FailedPrecondition(file.path + ": " + std::string(what) + " " + got +
                                    ", expected " + want);
}

}  // namespace

Result<std::string> GitBlobSha1File(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(path.c_str(), "rb"), &std::fclose);
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  if (!in || ec) return Status::IoError("cannot read '" + path + "'");
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1) {
    return Status::Internal("SHA-1 unavailable");
  }
  std::string header = "blob " + std::to_string(size);
  EVP_DigestUpdate(ctx.get(), header.data(), header.size() + 1);  // with its NUL
  std::vector<char> buffer(1 << 20);
  uint64_t total = 0;
  while (size_t got = std::fread(buffer.data(), 1, buffer.size(), in.get())) {
    EVP_DigestUpdate(ctx.get(), buffer.data(), got);
    total += got;
  }
  if (std::ferror(in.get()) || total != size) return Status::IoError("cannot read '" + path + "'");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  return Hex(digest, length);
}

Status VerifyHubFile(const std::string& path, const HubFile& file) {
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::IoError("cannot read '" + path + "'");
  if (size != file.size) {
    return Mismatch(file, "size", std::to_string(size), std::to_string(file.size));
  }
  auto digest = file.lfs() ? Sha256File(path) : GitBlobSha1File(path);
  if (!digest.ok()) return digest.status();
  const std::string& want = file.lfs() ? file.lfs_sha256 : file.oid;
  if (*digest != want) return Mismatch(file, file.lfs() ? "sha256" : "git blob oid", *digest, want);
  return Status::Ok();
}

}  // namespace bastion::model
