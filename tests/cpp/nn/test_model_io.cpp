// Tests of shiftguard/nn/model_io.hpp: round trips (float and double, layer norm, dropout,
// pruning mask), and every truncation, single-byte corruption and mismatch fails with
// format_error.

#include <cstdio>
#include <string>

#include <doctest/doctest.h>

#include "nn_test_support.hpp"
#include "shiftguard/nn/compress.hpp"
#include "shiftguard/nn/model_io.hpp"

using namespace nn_test;

TEST_CASE_TEMPLATE("a saved network loads with identical weights and predictions", Scalar, float, double) {
  auto spec = small_spec(4, {6, 5}, {nn::activation::gelu, nn::activation::leaky_relu}, 3,
                         nn::output_kind::softmax, 12);
  spec.dropout = {0.1, 0.0};
  spec.layer_norm = true;
  nn::mlp<Scalar> model(spec);
  nn::prune(model, 0.3);
  const std::string bytes = nn::save_model(model);
  const nn::mlp<Scalar> loaded = nn::load_model<Scalar>(bytes);
  CHECK(loaded.parameters() == model.parameters());
  CHECK(loaded.mask() == model.mask());
  CHECK(loaded.spec().dropout == spec.dropout);
  CHECK(loaded.layer_norm());
  CHECK(loaded.spec().seed == 12);
  const matrix<Scalar> x = gaussian<Scalar>(5, 4, 1);
  CHECK(loaded.forward(x) == model.forward(x));
  const std::string path = "shiftguard_test_model.bin";
  nn::save_model_file(model, path);
  CHECK(nn::load_model_file<Scalar>(path).parameters() == model.parameters());
  std::remove(path.c_str());
}

TEST_CASE("corrupted, truncated and mismatched model data fail with format_error") {
  nn::mlp<float> model(small_spec(3, {4}, {nn::activation::relu}, 2, nn::output_kind::softmax));
  const std::string bytes = nn::save_model(model);
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7) {
    CHECK_THROWS_AS(nn::load_model<float>(bytes.substr(0, cut)), shiftguard::format_error);
  }
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    std::string corrupted = bytes;
    corrupted[at] = static_cast<char>(corrupted[at] ^ 0x5A);
    CHECK_THROWS_AS(nn::load_model<float>(corrupted), shiftguard::format_error);
  }
  CHECK_THROWS_WITH_AS(nn::load_model<double>(bytes), doctest::Contains("nn.mlp.float32"),
                       shiftguard::format_error);
  // A well-formed container whose parameter count does not match its layer sizes.
  shiftguard::serialization::binary_writer writer;
  writer.write_u64(3);
  writer.write_u64(2);
  writer.write_u8(0);
  writer.write_array(std::vector<std::int64_t>{4});
  writer.write_array(std::vector<std::int64_t>{1});
  writer.write_array(std::vector<double>{});
  writer.write_bool(false);
  writer.write_u8(0);
  writer.write_u64(0);
  writer.write_array(std::vector<float>(5, 0.0F));
  writer.write_array(std::vector<float>{});
  CHECK_THROWS_WITH_AS(nn::load_model<float>(writer.finish("nn.mlp.float32", 1)),
                       doctest::Contains("layer sizes need 26"), shiftguard::format_error);
}
