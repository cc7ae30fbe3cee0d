#pragma once
// A ResponseWriter that keeps the response instead of sending it: for requests the gateway
// makes to its own backends (the guard's classifier).

#include <string>

#include "http/response_writer.h"

namespace bastion::gateway {

class CaptureWriter : public http::ResponseWriter {
 public:
  http::Awaitable<bool> Send(http::Response response) override {
    status_ = response.status;
    body_ = std::move(response.body);
    started_ = true;
    co_return true;
  }
  http::Awaitable<bool> BeginStream(int status, std::string_view,
                                    const http::HeaderList&) override {
    status_ = status;
    started_ = true;
    co_return true;
  }
  http::Awaitable<bool> WriteChunk(std::string_view data) override {
    body_.append(data);
    co_return true;
  }
  http::Awaitable<bool> EndStream() override { co_return true; }
  void WatchForClientClose(std::function<void()>) override {}
  bool client_gone() const override { return false; }
  bool started() const override { return started_; }

  int status() const { return status_; }
  const std::string& body() const { return body_; }

 private:
  int status_ = 0;
  std::string body_;
  bool started_ = false;
};

}  // namespace bastion::gateway
