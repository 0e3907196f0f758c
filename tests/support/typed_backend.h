// Typed tests over crypto backends: the core is built without RTTI, so
// gtest's typeid() must see a wrapper, not the backend class itself.
#pragma once

namespace p1test {

template <typename T>
struct Backend {
  using type = T;
};

}  // namespace p1test
