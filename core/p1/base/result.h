// A small expected-like result: a value or an Error, never both.
// Modelled on ArduinoJson's DeserializationError: cheap to copy, explicit bool.
#pragma once
#include <utility>

#include "p1/base/error.h"

namespace p1 {

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)), error_(Error::kNone) {}  // NOLINT: implicit by design
  Result(Error error) : value_(), error_(error) {}                      // NOLINT: implicit by design

  explicit operator bool() const { return error_ == Error::kNone; }
  Error error() const { return error_; }
  const T& value() const { return value_; }
  T& value() { return value_; }
  const T& operator*() const { return value_; }
  const T* operator->() const { return &value_; }

 private:
  T value_;
  Error error_;
};

}  // namespace p1
