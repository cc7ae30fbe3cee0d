#include "auth/limits/redis_limiter.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

#include "auth/limits/fixed_window.h"

namespace bastion::auth {
namespace {

constexpr int64_t kMinuteKeyTtlS = 120;    // the minute, plus slack for late Settles
constexpr int64_t kDayKeyTtlS = 172'800;   // two days: the day, plus slack for late Settles
constexpr int64_t kInFlightKeyTtlS = 600;  // how long a dead gateway's slots stay taken
constexpr std::chrono::seconds kWarningInterval{10};

// ExceededLimit() in fixed_window.cc, inside Redis so that check and count are one atomic
// step across gateways. Token arguments go to Redis as the strings given: Lua would format
// large numbers in exponent notation, which INCRBY rejects.
constexpr const char* kAdmitScript = R"lua(
-- KEYS: minute hash {req, tok}, day counter, in-flight counter.
-- ARGV: rpm, tpm, daily tokens, concurrent (0: unset), estimated tokens,
--       then the three keys' lifetimes in seconds.
local rpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
local daily, concurrent = tonumber(ARGV[3]), tonumber(ARGV[4])
local estimate = tonumber(ARGV[5])
local minute = redis.call('HMGET', KEYS[1], 'req', 'tok')
local req, tok = tonumber(minute[1]) or 0, tonumber(minute[2]) or 0
local day = tonumber(redis.call('GET', KEYS[2])) or 0
local flight = tonumber(redis.call('GET', KEYS[3])) or 0
local function room(limit, used, more) return limit <= 0 or more <= limit - used end
local exceeded = ''
if not room(rpm, req, 1) then exceeded = 'requests'
elseif not room(tpm, tok, estimate) then exceeded = 'tokens'
elseif not room(daily, day, estimate) then exceeded = 'daily_tokens'
elseif not room(concurrent, flight, 1) then exceeded = 'concurrent'
end
if exceeded == '' then
  req = redis.call('HINCRBY', KEYS[1], 'req', 1)
  tok = redis.call('HINCRBY', KEYS[1], 'tok', ARGV[5])
  redis.call('EXPIRE', KEYS[1], ARGV[6])
  day = redis.call('INCRBY', KEYS[2], ARGV[5])
  redis.call('EXPIRE', KEYS[2], ARGV[7])
  flight = redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], ARGV[8])
end
return {exceeded, req, tok, day, flight}
)lua";

constexpr const char* kSettleScript = R"lua(
-- KEYS: the admitted minute's hash, the admitted day's counter, the in-flight counter.
-- ARGV: tokens used minus reserved; '1' to correct the minute; '1' to correct the day.
local flight = tonumber(redis.call('GET', KEYS[3]))
if flight and flight > 0 then redis.call('DECR', KEYS[3]) end
if tonumber(ARGV[1]) == 0 then return 0 end
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then
  local tok = redis.call('HINCRBY', KEYS[1], 'tok', ARGV[1])
  if tok < 0 then redis.call('HINCRBY', KEYS[1], 'tok', string.format('%d', -tok)) end
end
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then
  local day = redis.call('INCRBY', KEYS[2], ARGV[1])
  if day < 0 then redis.call('INCRBY', KEYS[2], string.format('%d', -day)) end
end
return 0
)lua";

bool IsKeySafe(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view(":_-.@/=+").find(c) != std::string_view::npos;
}

// "bastion:rl:{<subject>}". Escaping keeps '{' and '}' out of the tag (so the tag is exactly
// the subject) and makes the mapping one-to-one, so two subjects never share a key.
std::string KeyPrefix(std::string_view subject) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string prefix = "bastion:rl:{";
  for (char c : subject) {
    if (IsKeySafe(c)) {
      prefix += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      prefix += '%';
      prefix += kHex[byte >> 4];
      prefix += kHex[byte & 0xF];
    }
  }
  prefix += '}';
  return prefix;
}

struct AdmitReply {
  std::string exceeded;
  WindowUsage usage;
};

Result<AdmitReply> ParseAdmitReply(const RedisValue& reply) {
  using Type = RedisValue::Type;
  const auto& e = reply.elements;
  if (reply.type != Type::kArray || e.size() != 5 || e[0].type != Type::kString) {
    return Status::Internal("unexpected reply from the admit script");
  }
  for (size_t i = 1; i < 5; ++i) {
    if (e[i].type != Type::kInteger) {
      return Status::Internal("unexpected reply from the admit script");
    }
  }
  return AdmitReply{e[0].text, {e[1].integer, e[2].integer, e[3].integer, e[4].integer}};
}

LimitDecision Unavailable() {
  LimitDecision decision;
  decision.allowed = false;
  decision.exceeded = "unavailable";
  decision.retry_after_ms = RedisLimiter::kUnavailableRetryMs;
  return decision;
}

}  // namespace

Result<std::unique_ptr<RedisLimiter>> RedisLimiter::Connect(std::string_view url,
                                                            std::chrono::milliseconds timeout) {
  auto address = ParseRedisUrl(url);
  if (!address.ok()) return address.status();
  auto limiter = std::make_unique<RedisLimiter>(*address, timeout);
  if (Status s = limiter->Ping(); !s.ok()) {
    return Status::Unavailable("cannot reach Redis at " + address->ToString() +
                               " for shared rate limits (" + s.message() +
                               "); start Redis or correct the Redis URL");
  }
  return limiter;
}

RedisLimiter::RedisLimiter(RedisAddress address, std::chrono::milliseconds timeout)
    : pool_(std::move(address), timeout),
      admit_script_(kAdmitScript),
      settle_script_(kSettleScript) {}

LimitDecision RedisLimiter::Admit(std::string_view subject, const Limits& limits,
                                  int64_t estimated_tokens, int64_t now_ms) {
  const std::string prefix = KeyPrefix(subject);
  const std::string minute_key = prefix + ":m:" + std::to_string(MinuteIndex(now_ms));
  const std::string day_key = prefix + ":d:" + std::to_string(DayIndex(now_ms));
  const std::string in_flight_key = prefix + ":c";
  const std::string args[] = {std::to_string(limits.requests_per_minute),
                              std::to_string(limits.tokens_per_minute),
                              std::to_string(limits.daily_tokens),
                              std::to_string(limits.concurrent),
                              std::to_string(ClampTokens(estimated_tokens)),
                              std::to_string(kMinuteKeyTtlS),
                              std::to_string(kDayKeyTtlS),
                              std::to_string(kInFlightKeyTtlS)};
  const std::string_view keys[] = {minute_key, day_key, in_flight_key};
  const std::vector<std::string_view> arg_views(std::begin(args), std::end(args));
  auto reply = pool_.Run([&](RedisConnection& c) { return admit_script_.Run(c, keys, arg_views); });
  Result<AdmitReply> parsed = reply.ok() ? ParseAdmitReply(*reply) : reply.status();
  if (!parsed.ok()) {
    WarnThrottled("Admit", parsed.status());
    return Unavailable();
  }
  return MakeDecision(limits, parsed->usage, parsed->exceeded, now_ms);
}

void RedisLimiter::Settle(std::string_view subject, const Limits& /*limits*/, int64_t reserved,
                          int64_t used, int64_t admitted_ms, int64_t now_ms) {
  const std::string prefix = KeyPrefix(subject);
  const std::string minute_key = prefix + ":m:" + std::to_string(MinuteIndex(admitted_ms));
  const std::string day_key = prefix + ":d:" + std::to_string(DayIndex(admitted_ms));
  const std::string in_flight_key = prefix + ":c";
  const std::string delta = std::to_string(ClampTokens(used) - ClampTokens(reserved));
  // A correction for a window that has closed would only distort the next one.
  const std::string_view args[] = {delta,
                                   MinuteIndex(admitted_ms) == MinuteIndex(now_ms) ? "1" : "0",
                                   DayIndex(admitted_ms) == DayIndex(now_ms) ? "1" : "0"};
  const std::string_view keys[] = {minute_key, day_key, in_flight_key};
  auto reply = pool_.Run([&](RedisConnection& c) { return settle_script_.Run(c, keys, args); });
  if (!reply.ok()) WarnThrottled("Settle", reply.status());
}

Status RedisLimiter::Ping() {
  const std::string_view ping[] = {"PING"};
  auto reply = pool_.Run([&](RedisConnection& c) { return c.Command(ping); });
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return Status::Unavailable(reply->text);
  return Status::Ok();
}

void RedisLimiter::WarnThrottled(std::string_view what, const Status& status) {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = last_warning_ns_.load(std::memory_order_relaxed);
  if (last != 0 && now - last < std::chrono::nanoseconds(kWarningInterval).count()) return;
  if (!last_warning_ns_.compare_exchange_strong(last, now)) return;  // another thread warned
  spdlog::warn(
      "rate limits: Redis at {} failed in {}: {}; {} (further failures are not logged "
      "for {} s)",
      pool_.address().ToString(), what, status.message(),
      what == "Admit" ? "requests are refused until it answers" : "the usage correction is dropped",
      kWarningInterval.count());
}

}  // namespace bastion::auth
