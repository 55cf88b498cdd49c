// core/json.hpp: the parser against hand-written documents, the writer's round trips, and
// every malformed input rejected with its position.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "shiftguard/core/json.hpp"

namespace json = shiftguard::json;

TEST_CASE("json: parses every kind of value") {
  const json::value doc = json::parse(
      R"( {"a": [1, -2, 3.5, 1e3, true, false, null], "b": {"c": "x\ny\u00e9\ud83d\ude00"},
          "big": 18446744073709551615, "neg": -9223372036854775808} )");
  REQUIRE(doc.is_object());
  CHECK(doc.size() == 4);
  const auto& a = doc.at("a").as_array();
  REQUIRE(a.size() == 7);
  CHECK(a[0].as_int() == 1);
  CHECK(a[0].is_integer());
  CHECK(a[1].as_int() == -2);
  CHECK(a[2].as_number() == 3.5);
  CHECK_FALSE(a[2].is_integer());
  CHECK(a[3].as_number() == 1000.0);
  CHECK(a[3].as_int() == 1000);  // an integral double reads as an integer
  CHECK(a[4].as_bool());
  CHECK_FALSE(a[5].as_bool());
  CHECK(a[6].is_null());
  CHECK(doc.at("b").at("c").as_string() == "x\ny\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(doc.at("big").as_uint() == std::numeric_limits<std::uint64_t>::max());
  CHECK(doc.at("neg").as_int() == std::numeric_limits<std::int64_t>::min());
  // objects keep insertion order
  CHECK(doc.as_object()[0].first == "a");
  CHECK(doc.as_object()[3].first == "neg");
}

TEST_CASE("json: the writer round-trips documents, doubles and non-finite numbers") {
  json::value doc = json::value::object();
  doc["format"] = "shiftguard.test";
  doc["version"] = 1;
  doc["values"] = json::value::array();
  const double samples[] = {0.1, 1.0 / 3.0, -2.5e-300, 1e308, 4.0, 123456789.125};
  for (double x : samples) doc["values"].push_back(x);
  doc["missing"] = std::numeric_limits<double>::quiet_NaN();
  doc["top"] = std::numeric_limits<double>::infinity();
  doc["bottom"] = -std::numeric_limits<double>::infinity();
  doc["text"] = std::string("quote \" backslash \\ tab \t bell \x07 end");
  doc["count"] = std::uint64_t{1} << 63;
  for (int indent : {-1, 0, 2}) {
    const json::value back = json::parse(doc.dump(indent));
    // the non-finite numbers come back as their strings; everything else is equal
    CHECK(back.dump() == doc.dump());
    CHECK(back.at("values") == doc.at("values"));
    CHECK(back.at("text") == doc.at("text"));
    const auto& values = back.at("values").as_array();
    for (std::size_t i = 0; i < values.size(); ++i) {
      CHECK(values[i].as_number() == samples[i]);
      CHECK_FALSE(values[i].is_integer());  // 4.0 stays a double
    }
    CHECK(std::isnan(back.at("missing").as_number()));
    CHECK(back.at("top").as_number() == std::numeric_limits<double>::infinity());
    CHECK(back.at("bottom").as_number() == -std::numeric_limits<double>::infinity());
    CHECK(back.at("count").as_uint() == (std::uint64_t{1} << 63));
  }
  CHECK(doc.dump() .find("\\u0007") != std::string::npos);
}

TEST_CASE("json: typed accessors name what they expected") {
  const json::value doc = json::parse(R"({"n": 1.5, "s": "x", "neg": -1})");
  CHECK_THROWS_WITH_AS(doc.at("s").as_number(), "json: expected a number, got a string",
                       shiftguard::format_error);
  CHECK_THROWS_WITH_AS(doc.at("n").as_int(), doctest::Contains("expected an integer, got 1.5"),
                       shiftguard::format_error);
  CHECK_THROWS_WITH_AS(doc.at("neg").as_uint(), doctest::Contains("non-negative integer"),
                       shiftguard::format_error);
  CHECK_THROWS_WITH_AS(doc.at("absent"), "json: missing key 'absent'", shiftguard::format_error);
  CHECK_THROWS_WITH_AS(doc.at("n").as_array(), "json: expected an array, got a number",
                       shiftguard::format_error);
  CHECK(doc.find("absent") == nullptr);
  CHECK(doc.contains("n"));
  const json::value list = json::parse("[1]");
  CHECK_THROWS_WITH_AS(list.at(std::size_t{3}), doctest::Contains("index 3 out of range"),
                       shiftguard::format_error);
}

TEST_CASE("json: malformed documents fail with their position") {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "unexpected end of input at line 1 column 1"},
      {"[1, 2,]", "unexpected character ']' at line 1 column 7"},
      {"{\"a\": 1,}", "expected a string key"},
      {"{\"a\" 1}", "expected ':'"},
      {"{\"a\": 1 \"b\": 2}", "expected ',' or '}'"},
      {"[1 2]", "expected ',' or ']'"},
      {"01", "leading zero"},
      {"1.", "expected a digit after '.'"},
      {"1e", "expected a digit in the exponent"},
      {"-", "invalid number"},
      {"\"abc", "unterminated string"},
      {"\"a\tb\"", "control character"},
      {"\"\\x\"", "invalid escape '\\x'"},
      {"\"\\u12zz\"", "invalid \\u escape"},
      {"\"\\u12", "truncated \\u escape"},
      {"\"\\ud800\"", "unpaired surrogate"},
      {"tru", "invalid literal (expected 'true')"},
      {"NaN", "NaN and Infinity are not JSON"},
      {"{} {}", "unexpected text after the document"},
      {"{\"a\": 1, \"a\": 2}", "duplicate key 'a'"},
      {"1e999", "number out of range"},
      {"[\n  1,\n  x]", "at line 3 column 3"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK_THROWS_WITH_AS(json::parse(c.text), doctest::Contains(c.message), shiftguard::format_error);
  }
}

TEST_CASE("json: nesting is bounded instead of overflowing the stack") {
  const std::string deep(100000, '[');
  CHECK_THROWS_WITH_AS(json::parse(deep), doctest::Contains("nesting deeper than 256"),
                       shiftguard::format_error);
  std::string ok(200, '[');
  ok += std::string(200, ']');
  CHECK(json::parse(ok).is_array());
}
