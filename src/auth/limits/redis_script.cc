#include "auth/limits/redis_script.h"

#include <openssl/evp.h>

#include <vector>

namespace bastion::auth {
namespace {

std::string Sha1Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

}  // namespace

RedisScript::RedisScript(std::string source) : source_(std::move(source)) {
  sha1_ = Sha1Hex(source_);
}

Result<RedisValue> RedisScript::Run(RedisConnection& connection,
                                    std::span<const std::string_view> keys,
                                    std::span<const std::string_view> args) const {
  auto reply = Send(connection, "EVALSHA", sha1_, keys, args);
  if (reply.ok() && reply->is_error() && reply->text.starts_with("NOSCRIPT")) {
    reply = Send(connection, "EVAL", source_, keys, args);
  }
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return Status::Internal("Redis script failed: " + reply->text);
  return reply;
}

Result<RedisValue> RedisScript::Send(RedisConnection& connection, std::string_view command,
                                     std::string_view script,
                                     std::span<const std::string_view> keys,
                                     std::span<const std::string_view> args) const {
  const std::string key_count = std::to_string(keys.size());
  std::vector<std::string_view> argv = {command, script, key_count};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return connection.Command(argv);
}

}  // namespace bastion::auth
