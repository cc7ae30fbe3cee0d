#include "model/zip/zip_inflate.h"

#include <zlib.h>

#include <algorithm>
#include <string>
#include <vector>

namespace bastion::model {
namespace {

// zlib counts bytes in uInt (32 bits); larger inputs go in pieces.
constexpr uint64_t kMaxPiece = uint64_t{1} << 30;
constexpr size_t kOutputChunk = size_t{64} << 10;

class InflateStream {
 public:
  InflateStream() { ok_ = inflateInit2(&z_, -MAX_WBITS) == Z_OK; }
  ~InflateStream() {
    if (ok_) inflateEnd(&z_);
  }
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;

  bool ok() const { return ok_; }
  z_stream& z() { return z_; }

 private:
  z_stream z_{};
  bool ok_ = false;
};

Status Corrupt(const z_stream& z, uint64_t produced) {
  return Status::InvalidArgument("corrupt deflate data after " + std::to_string(produced) +
                                 " output bytes: " + (z.msg != nullptr ? z.msg : "bad stream"));
}

}  // namespace

void Crc32::Update(std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    size_t piece = static_cast<size_t>(std::min<uint64_t>(bytes.size(), kMaxPiece));
    value_ = static_cast<uint32_t>(crc32(value_, bytes.data(), static_cast<uInt>(piece)));
    bytes = bytes.subspan(piece);
  }
}

Result<uint64_t> InflateRaw(std::span<const uint8_t> input, uint64_t max_output,
                            const InflateSink& sink) {
  InflateStream stream;
  if (!stream.ok()) return Status::ResourceExhausted("zlib could not start an inflate stream");
  z_stream& z = stream.z();
  std::vector<uint8_t> out(kOutputChunk);
  uint64_t produced = 0;
  size_t fed = 0;
  for (;;) {
    if (z.avail_in == 0 && fed < input.size()) {
      size_t piece = static_cast<size_t>(std::min<uint64_t>(input.size() - fed, kMaxPiece));
      z.next_in = const_cast<Bytef*>(input.data() + fed);  // zlib does not write through it
      z.avail_in = static_cast<uInt>(piece);
      fed += piece;
    }
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    size_t made = out.size() - z.avail_out;
    if (made > max_output - produced) {
      return Status::ResourceExhausted("deflate data inflates past " + std::to_string(max_output) +
                                       " bytes");
    }
    produced += made;
    if (made != 0) sink(std::span<const uint8_t>(out.data(), made));
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && z.avail_in == 0 && fed == input.size()) {
      return Status::InvalidArgument("deflate data ends before its last block, after " +
                                     std::to_string(produced) + " output bytes");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) return Corrupt(z, produced);
  }
  uint64_t unused = z.avail_in + (input.size() - fed);
  if (unused != 0) {
    return Status::InvalidArgument(std::to_string(unused) +
                                   " bytes follow the end of the deflate stream");
  }
  return produced;
}

}  // namespace bastion::model
