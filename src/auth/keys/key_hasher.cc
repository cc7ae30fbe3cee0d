#include "auth/keys/key_hasher.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/hex.h"

namespace bastion::auth {
namespace {

constexpr size_t kBlock = 64;  // SHA-256 block size
constexpr size_t kPepperBytes = 32;

struct CtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_MD_CTX, CtxDeleter>;

CtxPtr NewCtx() {
  CtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) std::abort();
  return ctx;
}

Result<std::string> ReadOrCreatePepper(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    std::array<unsigned char, kPepperBytes> bytes{};
    if (RAND_bytes(bytes.data(), kPepperBytes) != 1) std::abort();
    bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    written = ::fsync(fd) == 0 && written;
    ::close(fd);
    if (!written) return Status::IoError("cannot write " + path);
    return std::string(bytes.begin(), bytes.end());
  }
  std::ifstream in(path, std::ios::binary);
  std::string pepper((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return Status::IoError("cannot read " + path);
  if (pepper.size() != kPepperBytes) {
    return Status::FailedPrecondition(path + " is damaged (expected " +
                                      std::to_string(kPepperBytes) +
                                      " bytes); restore it from a backup: every API key "
                                      "depends on it");
  }
  return pepper;
}

}  // namespace

struct KeyHasher::States {
  const EVP_MD* sha256 = EVP_sha256();
  CtxPtr inner = NewCtx();  // has absorbed pepper ^ ipad
  CtxPtr outer = NewCtx();  // has absorbed pepper ^ opad
};

KeyHasher::KeyHasher(std::unique_ptr<States> states) : states_(std::move(states)) {}
KeyHasher::~KeyHasher() = default;

std::unique_ptr<KeyHasher> KeyHasher::FromPepper(std::string_view pepper) {
  auto s = std::make_unique<States>();
  std::array<unsigned char, kBlock> ipad{}, opad{};
  for (size_t i = 0; i < kBlock; ++i) {
    unsigned char k = i < pepper.size() ? static_cast<unsigned char>(pepper[i]) : 0;
    ipad[i] = k ^ 0x36;
    opad[i] = k ^ 0x5c;
  }
  // Peppers are 32 bytes, under the block size, so no pre-hash of the key is needed.
  if (pepper.size() > kBlock) std::abort();
  EVP_DigestInit_ex(s->inner.get(), s->sha256, nullptr);
  EVP_DigestUpdate(s->inner.get(), ipad.data(), ipad.size());
  EVP_DigestInit_ex(s->outer.get(), s->sha256, nullptr);
  EVP_DigestUpdate(s->outer.get(), opad.data(), opad.size());
  return std::unique_ptr<KeyHasher>(new KeyHasher(std::move(s)));
}

Result<std::unique_ptr<KeyHasher>> KeyHasher::ForDataDir(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec)
    return Status::IoError("cannot create data directory '" + data_dir + "': " + ec.message());
  return ForPepperFile((std::filesystem::path(data_dir) / "auth-pepper").string());
}

Result<std::unique_ptr<KeyHasher>> KeyHasher::ForPepperFile(const std::string& path) {
  auto pepper = ReadOrCreatePepper(path);
  if (!pepper.ok()) return pepper.status();
  return FromPepper(*pepper);
}

std::string KeyHasher::Hash(std::string_view secret) const {
  // Copies of the precomputed states: thread-safe, since the originals are never written.
  thread_local CtxPtr ctx = NewCtx();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_MD_CTX_copy_ex(ctx.get(), states_->inner.get());
  EVP_DigestUpdate(ctx.get(), secret.data(), secret.size());
  EVP_DigestFinal_ex(ctx.get(), digest, &n);
  EVP_MD_CTX_copy_ex(ctx.get(), states_->outer.get());
  EVP_DigestUpdate(ctx.get(), digest, n);
  EVP_DigestFinal_ex(ctx.get(), digest, &n);
  return HexEncode(digest, n);
}

bool KeyHasher::Matches(std::string_view secret, std::string_view stored_hex) const {
  std::string computed = Hash(secret);
  if (computed.size() != stored_hex.size()) return false;
  return CRYPTO_memcmp(computed.data(), stored_hex.data(), computed.size()) == 0;
}

}  // namespace bastion::auth
