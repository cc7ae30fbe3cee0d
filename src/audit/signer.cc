#include "audit/signer.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>

#include "audit/chain.h"
#include "audit/key_file.h"
#include "common/hex.h"

namespace bastion::audit {
namespace {

// Exactly `n` bytes from `hex` (2n hex digits, nothing else).
bool FromHex(std::string_view hex, unsigned char* out, size_t n) {
  if (hex.size() != 2 * n) return false;
  size_t written = 0;
  const char* end = nullptr;
  return sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &written, &end) == 0 &&
         written == n && end == hex.data() + hex.size();
}

Status SodiumReady() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  return Status::Ok();
}

std::string RandomSeed() {
  std::string seed(crypto_sign_SEEDBYTES, '\0');
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

constexpr std::string_view kWhat = "audit signing key";

}  // namespace

Result<std::unique_ptr<Signer>> Signer::FromSeed(std::string seed) {
  if (Status st = SodiumReady(); !st.ok()) return st;
  std::unique_ptr<Signer> signer(new Signer());
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_seed_keypair(public_key, signer->secret_,
                           reinterpret_cast<const unsigned char*>(seed.data()));
  sodium_memzero(seed.data(), seed.size());
  signer->public_key_hex_ = HexEncode(public_key, sizeof public_key);
  return signer;
}

Result<std::unique_ptr<Signer>> Signer::Load(const std::string& path) {
  auto seed = ReadKeyFile(path, kWhat, true);
  if (!seed.ok()) return seed.status();
  return FromSeed(std::move(*seed));
}

Result<std::unique_ptr<Signer>> Signer::LoadOrCreate(const std::string& path) {
  if (Status st = SodiumReady(); !st.ok()) return st;
  auto seed = ReadOrCreateKeyFile(path, &RandomSeed, kWhat);
  if (!seed.ok()) return seed.status();
  return FromSeed(std::move(*seed));
}

std::string Signer::PublicKeyPath(const std::string& key_path) {
  std::string_view stem = key_path;
  if (stem.ends_with(".key")) stem.remove_suffix(4);
  return std::string(stem) + ".pub";
}

Status Signer::WritePublicKey(const std::string& key_path) const {
  std::string path = PublicKeyPath(key_path);
  if (std::filesystem::exists(path)) return Status::Ok();
  std::ofstream out(path, std::ios::binary);
  out << public_key_hex_ << "\n";
  out.close();
  if (!out) return Status::IoError("cannot write " + path);
  return Status::Ok();
}

Checkpoint Signer::Sign(int64_t seq, std::string_view hash, int64_t time_ms) const {
  Checkpoint c;
  c.seq = seq;
  c.hash = std::string(hash);
  c.time_ms = time_ms;
  c.signer = public_key_hex_;
  std::string message = CheckpointMessage(seq, hash, time_ms);
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_);
  c.signature = HexEncode(signature, sizeof signature);
  return c;
}

bool CheckpointSignatureValid(const Checkpoint& c) {
  if (!SodiumReady().ok()) return false;
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  unsigned char signature[crypto_sign_BYTES];
  if (!FromHex(c.signer, public_key, sizeof public_key) ||
      !FromHex(c.signature, signature, sizeof signature)) {
    return false;
  }
  std::string message = CheckpointMessage(c.seq, c.hash, c.time_ms);
  return crypto_sign_verify_detached(signature,
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key) == 0;
}

}  // namespace bastion::audit
