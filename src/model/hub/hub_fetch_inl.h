#pragma once
// RunHubIo's template body; included by hub_fetch.h only.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace bastion::model {

template <typename T>
Result<T> RunHubIo(std::function<http::Awaitable<Result<T>>(http::Executor)> work) {
  boost::asio::io_context io;
  std::optional<Result<T>> out;
  auto run = [&]() -> http::Awaitable<void> { out.emplace(co_await work(io.get_executor())); };
  boost::asio::co_spawn(io, run, [&](std::exception_ptr error) {
    if (error && !out) out.emplace(Status::Internal("hub transfer failed unexpectedly"));
  });
  io.run();
  if (!out) return Status::Internal("hub transfer did not finish");
  return std::move(*out);
}

}  // namespace bastion::model
