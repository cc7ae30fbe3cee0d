#include "auth/limits/redis_connection.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <string>

namespace bastion::auth {
namespace {

timeval ToTimeval(std::chrono::milliseconds timeout) {
  return {static_cast<time_t>(timeout.count() / 1000),
          static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
}

RedisValue FromReply(const redisReply& reply) {
  RedisValue value;
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      value.type = RedisValue::Type::kInteger;
      value.integer = reply.integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      value.type = reply.type == REDIS_REPLY_STRING   ? RedisValue::Type::kString
                   : reply.type == REDIS_REPLY_STATUS ? RedisValue::Type::kStatus
                                                      : RedisValue::Type::kError;
      value.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ARRAY:
      value.type = RedisValue::Type::kArray;
      value.elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i)
        value.elements.push_back(FromReply(*reply.element[i]));
      break;
    default:
      break;
  }
  return value;
}

}  // namespace

struct RedisConnection::Context {
  redisContext* c = nullptr;
  ~Context() {
    if (c != nullptr) redisFree(c);
  }
};

RedisConnection::RedisConnection(std::unique_ptr<Context> context) : context_(std::move(context)) {}
RedisConnection::~RedisConnection() = default;

Result<std::unique_ptr<RedisConnection>> RedisConnection::Open(const RedisAddress& address,
                                                               std::chrono::milliseconds timeout) {
  auto context = std::make_unique<Context>();
  const timeval tv = ToTimeval(timeout);
  context->c = address.unix_path.empty()
                   ? redisConnectWithTimeout(address.host.c_str(), address.port, tv)
                   : redisConnectUnixWithTimeout(address.unix_path.c_str(), tv);
  if (context->c == nullptr) return Status::Unavailable("out of memory for a Redis connection");
  if (context->c->err != 0) return Status::Unavailable(context->c->errstr);
  if (redisSetTimeout(context->c, tv) != REDIS_OK) return Status::Unavailable(context->c->errstr);
  std::unique_ptr<RedisConnection> connection(new RedisConnection(std::move(context)));
  if (Status s = connection->Authenticate(address); !s.ok()) return s;
  return connection;
}

Status RedisConnection::Authenticate(const RedisAddress& address) {
  auto expect_ok = [this](std::span<const std::string_view> args, std::string_view what) {
    auto reply = Command(args);
    if (!reply.ok()) return reply.status();
    if (reply->is_error()) {
      // Redis's message, not the command: the command holds the password.
      return Status::PermissionDenied(std::string(what) + " refused: " + reply->text);
    }
    return Status::Ok();
  };
  if (!address.password.empty()) {
    std::vector<std::string_view> auth = {"AUTH"};
    if (!address.username.empty()) auth.push_back(address.username);
    auth.push_back(address.password);
    if (Status s = expect_ok(auth, "AUTH"); !s.ok()) return s;
  }
  if (address.db != 0) {
    const std::string db = std::to_string(address.db);
    const std::string_view select[] = {"SELECT", db};
    if (Status s = expect_ok(select, "SELECT"); !s.ok()) return s;
  }
  return Status::Ok();
}

Result<RedisValue> RedisConnection::Command(std::span<const std::string_view> args) {
  if (broken()) return Status::Unavailable(context_->c->errstr);
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view arg : args) {
    argv.push_back(arg.empty() ? "" : arg.data());
    lengths.push_back(arg.size());
  }
  void* raw =
      redisCommandArgv(context_->c, static_cast<int>(args.size()), argv.data(), lengths.data());
  if (raw == nullptr) return Status::Unavailable(context_->c->errstr);
  std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                     freeReplyObject);
  return FromReply(*reply);
}

bool RedisConnection::broken() const { return context_->c->err != 0; }

}  // namespace bastion::auth
