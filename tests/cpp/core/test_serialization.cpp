// Tests of shiftguard/core/serialization.hpp. Oracle for the checksum: zlib's CRC-32
// (crc32(b"123456789") == 0xCBF43926, the standard check value).

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/core/serialization.hpp"

namespace ser = shiftguard::serialization;

namespace {

std::string sample_container() {
  ser::binary_writer writer;
  writer.write_u8(7);
  writer.write_bool(true);
  writer.write_u32(0xDEADBEEFU);
  writer.write_i64(-42);
  writer.write_f64(-0.1);
  writer.write_f32(1.5F);
  writer.write_string("café");
  writer.write_array(std::vector<double>{1.0, std::numeric_limits<double>::infinity(), -2.5});
  writer.write_array(std::vector<std::int64_t>{});
  return writer.finish("test.object", 3);
}

}  // namespace

TEST_CASE("crc32 has the standard check value") {
  CHECK(ser::crc32("123456789") == 0xCBF43926U);
  CHECK(ser::crc32("") == 0U);
}

TEST_CASE("binary container round trip") {
  const std::string data = sample_container();
  CHECK(data.compare(0, 8, std::string("SHFTGRD\0", 8)) == 0);
  ser::binary_reader reader(data, "test.object", 3);
  CHECK(reader.type_version() == 3);
  CHECK(reader.read_u8() == 7);
  CHECK(reader.read_bool());
  CHECK(reader.read_u32() == 0xDEADBEEFU);
  CHECK(reader.read_i64() == -42);
  CHECK(reader.read_f64() == -0.1);
  CHECK(reader.read_f32() == 1.5F);
  CHECK(reader.read_string() == "café");
  const auto values = reader.read_array<double>();
  REQUIRE(values.size() == 3);
  CHECK(values[1] == std::numeric_limits<double>::infinity());
  CHECK(reader.read_array<std::int64_t>().empty());
  reader.expect_end();
  CHECK_THROWS_AS(reader.read_u8(), shiftguard::format_error);
}

TEST_CASE("binary container rejects every truncation and corruption") {
  const std::string data = sample_container();
  for (std::size_t cut = 0; cut < data.size(); ++cut) {
    CHECK_THROWS_AS(ser::binary_reader(data.substr(0, cut), "test.object", 3),
                    shiftguard::format_error);
  }
  for (std::size_t position = 0; position < data.size(); ++position) {
    std::string corrupted = data;
    corrupted[position] = static_cast<char>(corrupted[position] ^ 0x10);
    CHECK_THROWS_AS(ser::binary_reader(corrupted, "test.object", 3), shiftguard::format_error);
  }
  CHECK_THROWS_WITH_AS(ser::binary_reader(data, "other.object", 3),
                       doctest::Contains("holds a 'test.object'"), shiftguard::format_error);
  CHECK_THROWS_WITH_AS(ser::binary_reader(data, "test.object", 2),
                       doctest::Contains("layout version 3"), shiftguard::format_error);
  CHECK_THROWS_WITH_AS(ser::binary_reader(data + "x", "test.object", 3),
                       doctest::Contains("trailing"), shiftguard::format_error);
}

TEST_CASE("binary_reader checks lengths and values inside a valid container") {
  ser::binary_writer writer;
  writer.write_u64(1000000);  // claims an array of a million doubles
  writer.write_u8(2);         // not a boolean
  const std::string data = writer.finish("test.lengths", 1);
  ser::binary_reader reader(data, "test.lengths", 1);
  CHECK_THROWS_WITH_AS(reader.read_array<double>(), doctest::Contains("exceeds the remaining"),
                       shiftguard::format_error);
  ser::binary_reader second(data, "test.lengths", 1);
  second.read_u64();
  CHECK_THROWS_WITH_AS(second.read_bool(), doctest::Contains("boolean"),
                       shiftguard::format_error);
  ser::binary_reader third(data, "test.lengths", 1);
  CHECK_THROWS_WITH_AS(third.expect_end(), doctest::Contains("unexpected bytes"),
                       shiftguard::format_error);
}

TEST_CASE("write_file and read_file") {
  const std::string data = sample_container();
  const std::string path = "shiftguard_test_serialization.bin";
  ser::write_file(path, data);
  CHECK(ser::read_file(path) == data);
  std::remove(path.c_str());
  CHECK_THROWS_AS(ser::read_file("/nonexistent/dir/file.bin"), shiftguard::error);
  CHECK_THROWS_AS(ser::write_file("/nonexistent/dir/file.bin", data), shiftguard::error);
}
