#pragma once
// The messages between the gateway and an engine worker over their socketpair. Each frame
// is a u32 length (of what follows), a u8 type and the message. The gateway sends Submit
// and Cancel; the worker sends Hello (or LoadFailed) once, then Update and Heartbeat.
// Decoders check everything: the worker parses model files, so its bytes are not trusted.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "engine/serving/model_runner.h"

namespace bastion::sandbox {

// Frames longer than this are refused (the Hello, with every token's text, is the largest).
inline constexpr uint32_t kMaxFrameBytes = 64u << 20;

struct HelloMessage {
  engine::RunnerInfo info;
  std::string confinement;               // what the kernel enforces, as Confinement::Describe
  std::vector<std::string> token_texts;  // by token id, for logprobs
};

struct LoadFailedMessage {
  std::string error;
};

struct SubmitMessage {
  uint64_t id = 0;
  engine::RunnerJob job;
};

struct CancelMessage {
  uint64_t id = 0;
};

struct UpdateMessage {
  uint64_t id = 0;
  engine::Generation::Update update;
};

struct HeartbeatMessage {
  uint64_t steps = 0;   // the engine's model steps so far: unchanged means stuck
  uint64_t active = 0;  // requests generating
  uint64_t queued = 0;  // requests waiting for a place in the batch
};

using WorkerMessage = std::variant<HelloMessage, LoadFailedMessage, SubmitMessage, CancelMessage,
                                   UpdateMessage, HeartbeatMessage>;

// The whole frame, length prefix included.
std::string EncodeFrame(const WorkerMessage& message);

// Decodes a frame's body (type and message, without the length prefix).
Result<WorkerMessage> DecodeFrame(std::string_view body);

}  // namespace bastion::sandbox
