#pragma once
// The one header that brings in Asio and Beast. Boost 1.74's asio/awaitable.hpp uses
// std::exchange without including <utility>, so <utility> must come first.

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace bastion::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

}  // namespace bastion::http
