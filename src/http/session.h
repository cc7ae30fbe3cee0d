#pragma once
// Internal to the server: one client connection, as a coroutine that reads requests, calls
// the handler and writes responses, over plain TCP or TLS.

#include <memory>
#include <optional>

#include "http/asio.h"
#include "http/server_state.h"

namespace bastion::http {

template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>>, public IdleConnection {
 public:
  Session(Stream stream, ServerState& state, size_t worker, bool tls);
  ~Session() override;

  Awaitable<void> Run();
  void CloseIdle() override;

  // Response side, used by the Writer the handler gets.
  Awaitable<bool> Send(Response response);
  Awaitable<bool> BeginStream(int status, std::string_view content_type, const HeaderList& headers);
  Awaitable<bool> WriteChunk(std::string_view data);
  Awaitable<bool> EndStream();
  void WatchForClientClose(std::function<void()> on_gone);
  bool client_gone() const { return client_gone_; }
  bool started() const { return started_; }

 private:
  class Writer;

  Awaitable<bool> Handshake();
  Awaitable<bool> WaitForRequest(bool first);
  Awaitable<bool> ReadRequest(Request& request);
  Awaitable<void> SendError(int status, std::string_view message);
  void Reject(int status, std::string_view reason);
  void ArmWatch();
  void OnReadable(error_code ec, uint64_t generation);
  bool PeerClosed();
  // Moves bytes waiting in a plain socket into buffer_. False when a head's worth is there.
  bool DrainIntoBuffer();
  void StopWatching();
  Awaitable<bool> Write(auto&& message_or_buffers);
  Awaitable<void> Close(bool linger);
  void SetIdle(bool idle);
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  Stream stream_;
  ServerState& state_;
  size_t worker_;
  bool tls_;
  beast::flat_buffer buffer_;
  std::string remote_address_;
  std::string head_;  // the response head being written
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;  // one per request
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool started_ = false;
  bool finished_ = false;
  bool client_gone_ = false;
  bool idle_ = false;
  bool watching_ = false;
  std::function<void()> on_gone_;
  uint64_t watch_generation_ = 0;  // bumped when a watch stops
};

}  // namespace bastion::http
