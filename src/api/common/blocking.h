#pragma once

// OnPool: runs a blocking call (a durable storage write waits for fsync) on
// the region's pool of blocking threads and resumes the calling coroutine on
// its own strand with the result. The I/O threads keep serving other
// connections meanwhile, and concurrent writers reach the storage engine
// together, so its group commit makes one fsync serve many of them.
//
//   auto v = co_await OnPool(ctx.services.blocking, [&] { return objects.PutObject(...); });
//
// `f` runs exactly once, on another thread: it must not touch the connection
// or anything else bound to the caller's strand; references into the caller's
// frame are fine (the caller is suspended until `f` returns). Without a pool
// (unit tests), `f` runs inline.

#include <optional>
#include <type_traits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/http_types.h"

namespace api {

template <typename F>
net::awaitable<std::invoke_result_t<F&>> OnPool(boost::asio::thread_pool* pool, F f) {
  using R = std::invoke_result_t<F&>;
  if (pool == nullptr) co_return f();
  std::optional<R> out;
  co_await boost::asio::co_spawn(
      pool->get_executor(),
      [&]() -> net::awaitable<void> {
        out.emplace(f());
        co_return;
      },
      boost::asio::use_awaitable);
  co_return std::move(*out);
}

}  // namespace api
