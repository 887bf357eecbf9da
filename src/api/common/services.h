#pragma once

// Services: what one region offers its operations. The composition root
// (server/) fills it in; operations reach the domain layer only through here.

#include <atomic>
#include <string>

#include "common/metrics.h"

namespace boost::asio {
class thread_pool;
}

namespace service::objects {
class ObjectService;
}
namespace service::tables {
class TableService;
}
namespace service::queues {
class QueueService;
}
namespace service::bus {
class BusService;
}
namespace service::topics {
class TopicService;
}
namespace replication {
class Engine;
}
namespace api::app {
class Gateway;
}

namespace api {

enum class Readiness { kStarting, kReady, kStopping };

struct Services {
  std::string region;
  common::metrics::Registry* metrics = nullptr;
  // Updated by the region's lifecycle; read by /_stratus/ready.
  std::atomic<Readiness> readiness{Readiness::kStarting};
  // Facts shown by /_stratus/health.
  std::string data_dir;
  uint64_t boot_count = 0;
  std::string created_at;  // when this region's data directory was initialised

  // The domain services (null where a region or a test has none).
  service::objects::ObjectService* objects = nullptr;
  service::tables::TableService* tables = nullptr;
  service::queues::QueueService* queues = nullptr;
  service::bus::BusService* bus = nullptr;
  service::topics::TopicService* topics = nullptr;
  replication::Engine* replication = nullptr;
  // The application API's routes, keys and throttles (app_endpoint).
  app::Gateway* gateway = nullptr;
  // Threads for blocking storage calls (see common/blocking.h); null = inline.
  boost::asio::thread_pool* blocking = nullptr;
};

}  // namespace api
