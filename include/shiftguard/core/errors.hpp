#pragma once

// Exception types thrown by shiftguard. Every error the library raises derives
// from shiftguard::error, so callers can catch one type; the Python bindings
// translate them once (invalid_argument/shape_error/format_error -> ValueError,
// type_error -> TypeError).

#include <stdexcept>
#include <string>

namespace shiftguard {

/// Base of every exception thrown by shiftguard.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An argument has a value outside its domain (NaN, empty sample, bad option).
class invalid_argument : public error {
 public:
  using error::error;
};

/// Arrays have incompatible or unsupported shapes.
class shape_error : public error {
 public:
  using error::error;
};

/// Serialized data is malformed, truncated, or of an unknown version.
class format_error : public error {
 public:
  using error::error;
};

/// An argument has the wrong element type (object, complex, string data).
class type_error : public error {
 public:
  using error::error;
};

}  // namespace shiftguard
