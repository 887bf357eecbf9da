#pragma once

// FakeClock: a wall clock the tests move by hand, for services that take a
// `std::function<system_clock::time_point()>` clock option. Copies share the time.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace common::testing {

struct FakeClock {
  std::shared_ptr<std::atomic<int64_t>> micros = std::make_shared<std::atomic<int64_t>>(1'700'000'000'000'000);
  std::function<std::chrono::system_clock::time_point()> fn() const {
    auto m = micros;
    return [m] { return std::chrono::system_clock::time_point(std::chrono::microseconds(m->load())); };
  }
  void Advance(double seconds) { *micros += static_cast<int64_t>(seconds * 1e6); }
  double Now() const { return static_cast<double>(micros->load()) / 1e6; }
};

}  // namespace common::testing
