#pragma once

// Saving and loading an mlp in the core/serialization.hpp container.
//
// Type tag "nn.mlp.float32" or "nn.mlp.float64", layout version 1. Payload, in order:
//   u64 n_inputs, u64 n_outputs, u8 output (0 softmax, 1 sigmoid, 2 identity),
//   i64[] hidden sizes, i64[] activations (0 identity, 1 relu, 2 leaky_relu, 3 gelu, 4 tanh,
//   5 sigmoid), f64[] dropout rates, bool layer_norm, u8 init (0 auto, 1 he, 2 glorot),
//   u64 seed, Scalar[] parameters (layout of mlp::parameters()), Scalar[] pruning mask
//   (empty when not pruned).
// Every field is checked (ranges, counts against the sizes) before the network is built, so a
// corrupted, truncated or mismatched file throws format_error.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/nn/layers.hpp"

namespace shiftguard::nn {

template <class Scalar>
constexpr const char* model_type_tag() {
  return std::is_same_v<Scalar, float> ? "nn.mlp.float32" : "nn.mlp.float64";
}

inline constexpr std::uint32_t model_format_version = 1;

/// The network as bytes (the versioned container described above).
template <class Scalar>
std::string save_model(const mlp<Scalar>& model) {
  const mlp_spec& spec = model.spec();
  serialization::binary_writer writer;
  writer.write_u64(static_cast<std::uint64_t>(spec.n_inputs));
  writer.write_u64(static_cast<std::uint64_t>(spec.n_outputs));
  writer.write_u8(static_cast<std::uint8_t>(spec.output));
  std::vector<std::int64_t> hidden(spec.hidden_sizes.begin(), spec.hidden_sizes.end());
  writer.write_array(hidden);
  std::vector<std::int64_t> activations;
  for (const activation kind : spec.activations) activations.push_back(static_cast<std::int64_t>(kind));
  writer.write_array(activations);
  writer.write_array(spec.dropout);
  writer.write_bool(spec.layer_norm);
  writer.write_u8(static_cast<std::uint8_t>(spec.init));
  writer.write_u64(spec.seed);
  writer.write_array(model.parameters());
  writer.write_array(model.mask());
  return writer.finish(model_type_tag<Scalar>(), model_format_version);
}

/// Rebuilds a network saved by save_model; throws format_error for data that is not a valid
/// network of this scalar type.
template <class Scalar>
mlp<Scalar> load_model(std::string_view bytes) {
  serialization::binary_reader reader(bytes, model_type_tag<Scalar>(), model_format_version);
  mlp_spec spec;
  const std::uint64_t n_inputs = reader.read_u64();
  const std::uint64_t n_outputs = reader.read_u64();
  constexpr std::uint64_t max_width = std::uint64_t{1} << 31;
  if (n_inputs == 0 || n_inputs > max_width) reader.fail("n_inputs " + std::to_string(n_inputs) + " is out of range");
  if (n_outputs == 0 || n_outputs > max_width) reader.fail("n_outputs " + std::to_string(n_outputs) + " is out of range");
  spec.n_inputs = static_cast<index>(n_inputs);
  spec.n_outputs = static_cast<index>(n_outputs);
  const std::uint8_t output = reader.read_u8();
  if (output > 2) reader.fail("unknown output kind " + std::to_string(output));
  spec.output = static_cast<output_kind>(output);
  for (const std::int64_t size : reader.read_array<std::int64_t>()) {
    if (size < 1 || static_cast<std::uint64_t>(size) > max_width) {
      reader.fail("a hidden layer size (" + std::to_string(size) + ") is out of range");
    }
    spec.hidden_sizes.push_back(static_cast<index>(size));
  }
  for (const std::int64_t kind : reader.read_array<std::int64_t>()) {
    if (kind < 0 || kind > 5) reader.fail("unknown activation " + std::to_string(kind));
    spec.activations.push_back(static_cast<activation>(kind));
  }
  spec.dropout = reader.read_array<double>();
  spec.layer_norm = reader.read_bool();
  const std::uint8_t init = reader.read_u8();
  if (init > 2) reader.fail("unknown init " + std::to_string(init));
  spec.init = static_cast<init_kind>(init);
  spec.seed = reader.read_u64();
  aligned_vector<Scalar> parameters = reader.read_array<Scalar, aligned_vector<Scalar>>();
  aligned_vector<Scalar> mask = reader.read_array<Scalar, aligned_vector<Scalar>>();
  reader.expect_end();
  try {
    validate_spec(spec);
  } catch (const invalid_argument& e) {
    reader.fail(std::string("invalid network description: ") + e.what());
  }
  // Expected parameter count, computed without overflow before anything is allocated.
  std::vector<index> sizes{spec.n_inputs};
  sizes.insert(sizes.end(), spec.hidden_sizes.begin(), spec.hidden_sizes.end());
  sizes.push_back(spec.n_outputs);
  long double expected = 0;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    expected += static_cast<long double>(sizes[l]) * sizes[l + 1] + sizes[l + 1];
    if (spec.layer_norm && l + 2 < sizes.size()) expected += 2.0L * sizes[l + 1];
  }
  if (expected != static_cast<long double>(parameters.size())) {
    reader.fail("the data holds " + std::to_string(parameters.size()) +
                " parameters but its layer sizes need " + std::to_string(static_cast<double>(expected)));
  }
  if (!mask.empty() && mask.size() != parameters.size()) {
    reader.fail("the pruning mask has " + std::to_string(mask.size()) + " values, expected " +
                std::to_string(parameters.size()));
  }
  for (const Scalar value : mask) {
    if (value != Scalar(0) && value != Scalar(1)) reader.fail("the pruning mask holds a value other than 0 or 1");
  }
  return mlp<Scalar>(std::move(spec), std::move(parameters), std::move(mask));
}

/// Writes the network to a file (save_model's bytes).
template <class Scalar>
void save_model_file(const mlp<Scalar>& model, const std::string& path) {
  serialization::write_file(path, save_model(model));
}

/// Reads a network written by save_model_file.
template <class Scalar>
mlp<Scalar> load_model_file(const std::string& path) {
  return load_model<Scalar>(serialization::read_file(path));
}

}  // namespace shiftguard::nn
