// One MQTT message as the queue keeps it.
#pragma once
#include <string>

namespace p1d {

struct Message {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = false;
};

}  // namespace p1d
