#include "model/intake/file_digest.h"

#include <openssl/evp.h>
#include <sys/mman.h>

#include <filesystem>
#include <memory>

#include "common/hex.h"
#include "model/mapped_file.h"

namespace bastion::model {

namespace {

// Hashes `bytes` in slices; with `release_mapped_pages` (the bytes are a read-only file
// mapping) each slice's pages are dropped once hashed, so hashing a file larger than memory
// neither grows the process nor evicts everyone else's pages on its account.
std::string HashSlices(std::span<const uint8_t> bytes, bool release_mapped_pages) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  constexpr size_t kSlice = size_t{64} << 20;  // a multiple of every page size
  for (size_t done = 0; done < bytes.size(); done += kSlice) {
    const size_t n = std::min(kSlice, bytes.size() - done);
    EVP_DigestUpdate(ctx.get(), bytes.data() + done, n);
    if (release_mapped_pages) {
      madvise(const_cast<uint8_t*>(bytes.data() + done), n, MADV_DONTNEED);
    }
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  return HexEncode(digest, length);
}

}  // namespace

std::string Sha256Hex(std::span<const uint8_t> bytes) { return HashSlices(bytes, false); }

std::string Sha256HexOfText(std::string_view text) {
  return Sha256Hex(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Result<std::string> Sha256File(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Status::IoError(path + ": " + ec.message());
  if (size == 0) return Sha256Hex({});
  auto mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.status();
  const auto bytes = mapped->bytes();
  madvise(const_cast<uint8_t*>(bytes.data()), bytes.size(), MADV_SEQUENTIAL);
  return HashSlices(bytes, /*release_mapped_pages=*/true);
}

}  // namespace bastion::model
