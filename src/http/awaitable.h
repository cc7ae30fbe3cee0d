#pragma once
// Light include for interfaces that expose coroutines without pulling in all of Beast.

#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace bastion::http {

template <typename T>
using Awaitable = boost::asio::awaitable<T>;
using Executor = boost::asio::any_io_executor;

}  // namespace bastion::http
