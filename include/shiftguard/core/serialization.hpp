#pragma once

// The one binary container every saveable shiftguard object uses.
//
// Layout (all integers little-endian, floating point as IEEE-754 bit patterns):
//
//   offset  size  field
//   0       8     magic "SHFTGRD\0"
//   8       4     container format version (u32, currently 1)
//   12      4     length of the type tag (u32, at most 256)
//   16      t     type tag, ASCII, e.g. "drift.stream.adwin"
//   16+t    4     version of the object's own layout (u32)
//   20+t    8     payload length in bytes (u64)
//   28+t    p     payload: the object's fields, written in a fixed order by binary_writer
//   28+t+p  4     CRC-32 (IEEE 802.3 polynomial) of every byte before it
//
// Inside the payload, scalars are fixed width and arrays are length-prefixed (u64 count, then
// the elements). binary_reader checks the magic, versions, tag, payload length and checksum
// before the object reads a single field, and checks every length against the bytes that are
// left before trusting it, so truncated, corrupted or foreign data fails with format_error and
// never reads out of bounds or allocates an absurd amount.

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "shiftguard/core/errors.hpp"

namespace shiftguard::serialization {

/// Version of the container layout described above.
inline constexpr std::uint32_t container_version = 1;
inline constexpr std::size_t max_tag_length = 256;
inline constexpr char magic[8] = {'S', 'H', 'F', 'T', 'G', 'R', 'D', '\0'};

namespace detail {

inline std::uint32_t crc32_update(std::uint32_t crc, const unsigned char* data,
                                  std::size_t size) {
  // Table-less byte-wise CRC-32; serialised states are small, so speed is not a concern.
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) {
      const std::uint32_t mask = 0U - (crc & 1U);
      crc = (crc >> 1) ^ (0xEDB88320U & mask);
    }
  }
  return ~crc;
}

template <class Unsigned>
void append_le(std::string& out, Unsigned value) {
  static_assert(std::is_unsigned_v<Unsigned>);
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
    out.push_back(static_cast<char>(static_cast<unsigned char>(value >> (8 * i))));
  }
}

template <class Unsigned>
Unsigned read_le(const char* data) {
  Unsigned value = 0;
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
    value |= static_cast<Unsigned>(static_cast<unsigned char>(data[i])) << (8 * i);
  }
  return value;
}

}  // namespace detail

/// CRC-32 of a byte string (the checksum stored at the end of a container).
inline std::uint32_t crc32(std::string_view bytes) {
  return detail::crc32_update(0, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
}

/// Writes an object's fields, then wraps them in the container with finish().
class binary_writer {
 public:
  void write_u8(std::uint8_t value) { payload_.push_back(static_cast<char>(value)); }
  void write_bool(bool value) { write_u8(value ? 1 : 0); }
  void write_u32(std::uint32_t value) { detail::append_le(payload_, value); }
  void write_u64(std::uint64_t value) { detail::append_le(payload_, value); }
  void write_i64(std::int64_t value) { write_u64(static_cast<std::uint64_t>(value)); }
  void write_f64(double value) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    write_u64(bits);
  }
  void write_f32(float value) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    write_u32(bits);
  }
  void write_string(std::string_view value) {
    write_u64(value.size());
    payload_.append(value.data(), value.size());
  }
  /// Length-prefixed array of doubles, floats, or 64-bit integers.
  template <class T>
  void write_array(const T* data, std::size_t count) {
    write_u64(count);
    for (std::size_t i = 0; i < count; ++i) write_value(data[i]);
  }
  template <class T, class Allocator>
  void write_array(const std::vector<T, Allocator>& values) {
    write_array(values.data(), values.size());
  }

  /// The complete container: header, payload and checksum.
  [[nodiscard]] std::string finish(std::string_view type_tag, std::uint32_t type_version) const {
    if (type_tag.empty() || type_tag.size() > max_tag_length) {
      throw invalid_argument("serialization type tag must have 1 to 256 characters");
    }
    std::string out(magic, sizeof magic);
    detail::append_le(out, container_version);
    detail::append_le(out, static_cast<std::uint32_t>(type_tag.size()));
    out.append(type_tag.data(), type_tag.size());
    detail::append_le(out, type_version);
    detail::append_le(out, static_cast<std::uint64_t>(payload_.size()));
    out += payload_;
    detail::append_le(out, crc32(out));
    return out;
  }

 private:
  void write_value(double value) { write_f64(value); }
  void write_value(float value) { write_f32(value); }
  void write_value(std::int64_t value) { write_i64(value); }
  void write_value(std::uint64_t value) { write_u64(value); }

  std::string payload_;
};

/// Checks a container and reads its payload field by field.
class binary_reader {
 public:
  /// Validates the container; `expected_tag` must match, and the object's layout version must
  /// lie in [1, max_type_version]. Throws format_error naming what is wrong.
  binary_reader(std::string_view bytes, std::string_view expected_tag,
                std::uint32_t max_type_version) {
    const std::string what = "cannot load " + std::string(expected_tag) + ": ";
    constexpr std::size_t fixed = sizeof magic + 4 + 4;
    if (bytes.size() < fixed) {
      throw format_error(what + "data is truncated (" + std::to_string(bytes.size()) +
                         " bytes, not a shiftguard state)");
    }
    if (std::memcmp(bytes.data(), magic, sizeof magic) != 0) {
      throw format_error(what + "not shiftguard serialized data (bad magic bytes)");
    }
    const auto version = detail::read_le<std::uint32_t>(bytes.data() + 8);
    if (version != container_version) {
      throw format_error(what + "container format version " + std::to_string(version) +
                         " is not supported (this build reads version " +
                         std::to_string(container_version) + ")");
    }
    const auto tag_length = detail::read_le<std::uint32_t>(bytes.data() + 12);
    if (tag_length == 0 || tag_length > max_tag_length) {
      throw format_error(what + "corrupted header (type tag length " +
                         std::to_string(tag_length) + ")");
    }
    if (bytes.size() < fixed + tag_length + 4 + 8 + 4) {
      throw format_error(what + "data is truncated in the header");
    }
    const std::string_view tag = bytes.substr(fixed, tag_length);
    const std::size_t after_tag = fixed + tag_length;
    type_version_ = detail::read_le<std::uint32_t>(bytes.data() + after_tag);
    const auto payload_length = detail::read_le<std::uint64_t>(bytes.data() + after_tag + 4);
    const std::size_t payload_start = after_tag + 12;
    const std::size_t available = bytes.size() - payload_start - 4;
    if (payload_length != available) {
      throw format_error(what + (payload_length > available ? "data is truncated"
                                                            : "data has trailing bytes") +
                         " (payload of " + std::to_string(payload_length) + " bytes, " +
                         std::to_string(available) + " present)");
    }
    const auto stored_crc = detail::read_le<std::uint32_t>(bytes.data() + bytes.size() - 4);
    if (stored_crc != crc32(bytes.substr(0, bytes.size() - 4))) {
      throw format_error(what + "checksum mismatch (the data is corrupted)");
    }
    if (tag != expected_tag) {
      throw format_error(what + "the data holds a '" + std::string(tag) + "'");
    }
    if (type_version_ == 0 || type_version_ > max_type_version) {
      throw format_error(what + "layout version " + std::to_string(type_version_) +
                         " is not supported (this build reads up to version " +
                         std::to_string(max_type_version) + ")");
    }
    payload_ = bytes.substr(payload_start, payload_length);
    tag_ = std::string(expected_tag);
  }

  [[nodiscard]] std::uint32_t type_version() const { return type_version_; }

  std::uint8_t read_u8() { return static_cast<std::uint8_t>(*take(1)); }
  bool read_bool() {
    const auto value = read_u8();
    if (value > 1) fail("a boolean field holds " + std::to_string(value));
    return value == 1;
  }
  std::uint32_t read_u32() { return detail::read_le<std::uint32_t>(take(4)); }
  std::uint64_t read_u64() { return detail::read_le<std::uint64_t>(take(8)); }
  std::int64_t read_i64() { return static_cast<std::int64_t>(read_u64()); }
  double read_f64() {
    const auto bits = read_u64();
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  float read_f32() {
    const auto bits = read_u32();
    float value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  std::string read_string() {
    const auto size = read_count(1);
    const char* data = take(size);
    return std::string(data, size);
  }
  /// Reads a length-prefixed array written by binary_writer::write_array.
  template <class T, class Container = std::vector<T>>
  Container read_array() {
    const auto count = read_count(element_size<T>());
    Container values(count);
    for (auto& value : values) value = read_value<T>();
    return values;
  }
  /// Reads an array into existing storage whose size must be `expected`.
  template <class T>
  void read_array_into(T* out, std::size_t expected) {
    const auto count = read_count(element_size<T>());
    if (count != expected) {
      fail("an array has " + std::to_string(count) + " elements, expected " +
           std::to_string(expected));
    }
    for (std::size_t i = 0; i < count; ++i) out[i] = read_value<T>();
  }
  /// Every field must have been read: leftover bytes mean a layout mismatch.
  void expect_end() const {
    if (position_ != payload_.size()) fail("unexpected bytes after the last field");
  }
  /// Throws format_error for a field whose value is impossible.
  [[noreturn]] void fail(const std::string& message) const {
    throw format_error("cannot load " + tag_ + ": " + message);
  }

 private:
  template <class T>
  static constexpr std::size_t element_size() {
    return std::is_same_v<T, float> ? 4 : 8;
  }
  template <class T>
  T read_value() {
    if constexpr (std::is_same_v<T, double>) return read_f64();
    if constexpr (std::is_same_v<T, float>) return read_f32();
    if constexpr (std::is_same_v<T, std::int64_t>) return read_i64();
    if constexpr (std::is_same_v<T, std::uint64_t>) return read_u64();
  }
  std::size_t read_count(std::size_t bytes_per_element) {
    const auto count = read_u64();
    if (count > (payload_.size() - position_) / bytes_per_element) {
      fail("an array length (" + std::to_string(count) + ") exceeds the remaining data");
    }
    return static_cast<std::size_t>(count);
  }
  const char* take(std::size_t size) {
    if (size > payload_.size() - position_) fail("payload ends in the middle of a field");
    const char* data = payload_.data() + position_;
    position_ += size;
    return data;
  }

  std::string_view payload_;
  std::size_t position_ = 0;
  std::uint32_t type_version_ = 0;
  std::string tag_;
};

/// Writes bytes to a file, replacing it; throws shiftguard::error when the file cannot be
/// written.
inline void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw error("cannot open '" + path + "' for writing");
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!file) throw error("cannot write '" + path + "'");
}

/// Reads a whole file; throws shiftguard::error when it cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw error("cannot open '" + path + "' for reading");
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

}  // namespace shiftguard::serialization
