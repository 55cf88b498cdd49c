#pragma once

// Dimension reduction in front of a drift detector: principal component analysis fitted on the
// reference, a Gaussian random projection, and a generic wrapper that applies any transform
// (a reduction, or a model's predicted probabilities: black-box shift detection) to the
// reference at construction and to every batch before the wrapped detector sees it.
//
// Both reductions are value types with fit/transform, operator() (so they can be passed as
// the transform of preprocessed_detector) and save/load in the library's binary container.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/QR>
#include <Eigen/SVD>

#include "shiftguard/core/rng.hpp"
#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/correction.hpp"
#include "shiftguard/drift/detector.hpp"

namespace shiftguard::drift {

namespace detail {

template <class Scalar>
constexpr std::uint8_t scalar_code() {
  return std::is_same_v<Scalar, float> ? 4 : 8;
}

/// Writes a matrix (rows, cols, column-major values as doubles).
template <class Scalar>
void write_matrix(serialization::binary_writer& writer, const matrix<Scalar>& values) {
  writer.write_i64(values.rows());
  writer.write_i64(values.cols());
  writer.write_array(values.data(), static_cast<std::size_t>(values.size()));
}

template <class Scalar>
matrix<Scalar> read_matrix(serialization::binary_reader& reader) {
  const std::int64_t rows = reader.read_i64();
  const std::int64_t cols = reader.read_i64();
  if (rows < 0 || cols < 0 || (cols > 0 && rows > (std::int64_t{1} << 40) / cols)) {
    reader.fail("a matrix has an impossible shape " + std::to_string(rows) + "x" +
                std::to_string(cols));
  }
  auto values = reader.read_array<Scalar>();
  if (static_cast<std::int64_t>(values.size()) != rows * cols) {
    reader.fail("a matrix has " + std::to_string(values.size()) + " values, expected " +
                std::to_string(rows * cols));
  }
  return Eigen::Map<matrix<Scalar>>(values.data(), rows, cols);
}

/// SplitMix64: a small, fast generator whose streams for different seeds are independent
/// enough for random projections; fully specified, so results are identical on every platform.
class splitmix_stream {
 public:
  explicit splitmix_stream(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() { return splitmix64(state_); }
  /// Uniform on (0, 1): 53 random bits, never 0.
  double uniform_open() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
  /// Standard normal by the Box-Muller transform (the cosine branch only).
  double normal() {
    const double radius = std::sqrt(-2.0 * std::log(uniform_open()));
    return radius * std::cos(6.283185307179586476925 * uniform_open());
  }

 private:
  std::uint64_t state_;
};

/// Seed of the random stream of task `index` derived from `seed` (so that parallel fills do
/// not depend on scheduling).
inline std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t mixer = seed ^ (0xD1B54A32D192ED03ULL * (index + 1));
  return splitmix64(mixer);
}

/// Throws invalid_argument naming the first non-finite entry (row, column) of `x`.
template <class Derived>
void check_finite_input(const Eigen::DenseBase<Derived>& x, const char* name) {
  for (index col = 0; col < x.cols(); ++col) {
    for (index row = 0; row < x.rows(); ++row) {
      const double value = static_cast<double>(x.derived().coeff(row, col));
      if (!std::isfinite(value)) {
        throw invalid_argument(std::string(name) + " contains " +
                               (std::isnan(value) ? "NaN" : "an infinite value") + " at row " +
                               std::to_string(row) + ", column " + std::to_string(col));
      }
    }
  }
}

/// Rows per task of a projection: fixed, so that each output row is computed by the same
/// arithmetic whatever the number of threads.
inline constexpr index projection_block_rows = 256;

/// out = (x - offset) * weights^T, computed in parallel over fixed blocks of rows.
template <class Scalar, class Derived>
matrix<Scalar> project_rows(const Eigen::DenseBase<Derived>& x, const vector<Scalar>* offset,
                            const matrix<Scalar>& weights, int n_threads) {
  const index n = x.rows();
  matrix<Scalar> out(n, weights.rows());
  const index n_blocks = (n + projection_block_rows - 1) / projection_block_rows;
  parallel_for_ranges(n_blocks, n_threads, 1, [&](index begin, index end) {
    for (index b = begin; b < end; ++b) {
      const index first = b * projection_block_rows;
      const index rows = std::min(projection_block_rows, n - first);
      if (offset != nullptr) {
        out.middleRows(first, rows).noalias() =
            (x.derived().middleRows(first, rows).rowwise() - offset->transpose()) *
            weights.transpose();
      } else {
        out.middleRows(first, rows).noalias() =
            x.derived().middleRows(first, rows) * weights.transpose();
      }
    }
  });
  return out;
}

}  // namespace detail

/// Principal component analysis fitted on the reference sample.
///
/// fit() centres the data on the column means and takes the thin singular value decomposition
/// (Eigen's BDCSVD, computed in double precision) of the centred matrix; for tall data
/// (more than 2 max(8192, 4 d) rows) it first reduces fixed blocks of rows to their R factors
/// by Householder QR in parallel and decomposes the stacked factors, which has the same
/// singular values and right singular vectors. The components are
/// the right singular vectors for the largest singular values; explained variance is
/// s^2 / (n - 1), and its ratio divides by the total variance of all features (as
/// scikit-learn's PCA). Sign convention: each component is flipped so that its entry of
/// largest absolute value is positive (the first such entry when several tie), which is
/// scikit-learn's convention since version 1.5 (`svd_flip` on the components); projections
/// therefore agree with scikit-learn's up to the sign of each column.
template <class Scalar>
class pca {
  static_assert(std::is_floating_point_v<Scalar>, "pca needs float or double");

 public:
  using scalar_type = Scalar;
  static constexpr std::string_view type_tag = "drift.reduce.pca";

  /// n_components: how many components to keep (>= 1; 0 keeps min(n_samples, n_features)).
  /// n_threads: threads for transform (0 = all cores); results do not depend on it.
  explicit pca(index n_components = 0, int n_threads = 0)
      : n_components_requested_(n_components), n_threads_(n_threads) {
    checks::count_at_least(n_components, 0, "n_components");
    resolve_thread_count(n_threads);
  }

  /// Fits on `x` (n x d, n >= 2, finite). Returns *this.
  template <class Derived>
  pca& fit(const Eigen::DenseBase<Derived>& x) {
    checks::min_shape(x, 2, "x");
    detail::check_finite_input(x, "x");
    const index n = x.rows();
    const index d = x.cols();
    const index max_components = std::min(n, d);
    if (n_components_requested_ > max_components) {
      throw invalid_argument("n_components=" + std::to_string(n_components_requested_) +
                             " must be <= min(n_samples, n_features)=" +
                             std::to_string(max_components));
    }
    const index k = n_components_requested_ == 0 ? max_components : n_components_requested_;
    matrix<double> centred = x.derived().template cast<double>();
    const Eigen::RowVectorXd mean = centred.colwise().mean();
    centred.rowwise() -= mean;
    // Tall data: a QR factorization of fixed blocks of rows in parallel, then the SVD of the
    // stacked R factors (same singular values and right singular vectors as the data, as
    // LAPACK's tall-matrix path). The blocks depend only on the shape, not the thread count.
    const index block_rows = std::max<index>(8192, 4 * d);
    Eigen::BDCSVD<matrix<double>> svd;
    if (n > 2 * block_rows) {
      const index n_blocks = (n + block_rows - 1) / block_rows;
      std::vector<matrix<double>> factors(static_cast<std::size_t>(n_blocks));
      parallel_for_ranges(n_blocks, n_threads_, 1, [&](index begin, index end) {
        for (index b = begin; b < end; ++b) {
          const index first = b * block_rows;
          const index rows = std::min(block_rows, n - first);
          Eigen::HouseholderQR<matrix<double>> qr(centred.middleRows(first, rows));
          const index height = std::min(rows, d);
          factors[static_cast<std::size_t>(b)] =
              qr.matrixQR().topRows(height).template triangularView<Eigen::Upper>();
        }
      });
      index stacked_rows = 0;
      for (const auto& factor : factors) stacked_rows += factor.rows();
      matrix<double> stacked(stacked_rows, d);
      index row = 0;
      for (const auto& factor : factors) {
        stacked.middleRows(row, factor.rows()) = factor;
        row += factor.rows();
      }
      svd.compute(stacked, Eigen::ComputeThinV);
    } else {
      svd.compute(centred, Eigen::ComputeThinV);
    }
    const Eigen::VectorXd singular = svd.singularValues();
    matrix<double> components = svd.matrixV().leftCols(k).transpose();  // k x d
    for (index c = 0; c < k; ++c) {
      index largest = 0;
      for (index j = 1; j < d; ++j) {
        if (std::abs(components(c, j)) > std::abs(components(c, largest))) largest = j;
      }
      if (components(c, largest) < 0) components.row(c) *= -1.0;
    }
    const double denominator = static_cast<double>(n - 1);
    const double total_variance = singular.squaredNorm() / denominator;
    mean_ = mean.transpose().cast<Scalar>();
    components_ = components.cast<Scalar>();
    explained_variance_.resize(k);
    explained_variance_ratio_.resize(k);
    singular_values_.resize(k);
    for (index c = 0; c < k; ++c) {
      const double variance = singular(c) * singular(c) / denominator;
      explained_variance_(c) = static_cast<Scalar>(variance);
      explained_variance_ratio_(c) =
          static_cast<Scalar>(total_variance > 0 ? variance / total_variance : 0.0);
      singular_values_(c) = static_cast<Scalar>(singular(c));
    }
    return *this;
  }

  /// Projects `x` (m x d) onto the components: (x - mean) components^T, m x n_components.
  template <class Derived>
  matrix<Scalar> transform(const Eigen::DenseBase<Derived>& x) const {
    static_assert(std::is_same_v<typename Derived::Scalar, Scalar>,
                  "pca::transform: x must have the pca's scalar type");
    require_fitted();
    if (x.cols() != n_features()) {
      throw shape_error("x has " + std::to_string(x.cols()) +
                        " columns but the PCA was fitted on " + std::to_string(n_features()) +
                        " features");
    }
    return detail::project_rows<Scalar>(x, &mean_, components_, n_threads_);
  }

  template <class Derived>
  matrix<Scalar> operator()(const Eigen::DenseBase<Derived>& x) const {
    return transform(x);
  }

  [[nodiscard]] bool fitted() const { return components_.size() > 0; }
  [[nodiscard]] index n_components() const { return components_.rows(); }
  [[nodiscard]] index n_features() const { return components_.cols(); }
  /// Components, one per row (n_components x n_features), as scikit-learn's components_.
  [[nodiscard]] const matrix<Scalar>& components() const { return components_; }
  [[nodiscard]] const vector<Scalar>& mean() const { return mean_; }
  [[nodiscard]] const vector<Scalar>& explained_variance() const { return explained_variance_; }
  [[nodiscard]] const vector<Scalar>& explained_variance_ratio() const {
    return explained_variance_ratio_;
  }
  [[nodiscard]] const vector<Scalar>& singular_values() const { return singular_values_; }

  /// The fitted state in the library's binary container.
  [[nodiscard]] std::string save() const {
    require_fitted();
    serialization::binary_writer writer;
    writer.write_u8(detail::scalar_code<Scalar>());
    writer.write_i64(n_components_requested_);
    detail::write_matrix<Scalar>(writer, components_);
    detail::write_matrix<Scalar>(writer, mean_);
    detail::write_matrix<Scalar>(writer, explained_variance_);
    detail::write_matrix<Scalar>(writer, explained_variance_ratio_);
    detail::write_matrix<Scalar>(writer, singular_values_);
    return writer.finish(type_tag, 1);
  }

  /// Restores a PCA saved by save(); throws format_error for anything inconsistent.
  static pca load(std::string_view bytes) {
    serialization::binary_reader reader(bytes, type_tag, 1);
    if (reader.read_u8() != detail::scalar_code<Scalar>()) {
      reader.fail("the data holds a PCA of another scalar type");
    }
    const std::int64_t requested = reader.read_i64();
    if (requested < 0) reader.fail("negative n_components");
    matrix<Scalar> components = detail::read_matrix<Scalar>(reader);
    matrix<Scalar> mean = detail::read_matrix<Scalar>(reader);
    matrix<Scalar> variance = detail::read_matrix<Scalar>(reader);
    matrix<Scalar> ratio = detail::read_matrix<Scalar>(reader);
    matrix<Scalar> singular = detail::read_matrix<Scalar>(reader);
    reader.expect_end();
    const index k = components.rows();
    const index d = components.cols();
    auto is_column = [](const matrix<Scalar>& m, index size) {
      return m.cols() == 1 && m.rows() == size;
    };
    if (k < 1 || d < 1 || !is_column(mean, d) || !is_column(variance, k) ||
        !is_column(ratio, k) || !is_column(singular, k)) {
      reader.fail("inconsistent shapes");
    }
    pca result(static_cast<index>(requested));
    result.components_ = std::move(components);
    result.mean_ = mean;
    result.explained_variance_ = variance;
    result.explained_variance_ratio_ = ratio;
    result.singular_values_ = singular;
    return result;
  }

 private:
  void require_fitted() const {
    if (!fitted()) throw invalid_argument("this PCA is not fitted yet: call fit(x_ref) first");
  }

  index n_components_requested_ = 0;
  int n_threads_ = 0;
  matrix<Scalar> components_;
  vector<Scalar> mean_;
  vector<Scalar> explained_variance_;
  vector<Scalar> explained_variance_ratio_;
  vector<Scalar> singular_values_;
};

/// Smallest number of components that keeps all pairwise distances of n_samples points
/// within a factor (1 +- eps) with good probability (Johnson-Lindenstrauss lemma):
/// 4 log(n_samples) / (eps^2 / 2 - eps^3 / 3), as scikit-learn's johnson_lindenstrauss_min_dim.
inline index johnson_lindenstrauss_min_dim(index n_samples, double eps = 0.1) {
  checks::count_at_least(n_samples, 1, "n_samples");
  checks::open_interval(eps, 0.0, 1.0, "eps");
  const double denominator = eps * eps / 2.0 - eps * eps * eps / 3.0;
  return static_cast<index>(4.0 * std::log(static_cast<double>(n_samples)) / denominator);
}

/// Gaussian random projection: x -> x R^T with R (n_components x n_features) drawn with
/// independent N(0, 1 / n_components) entries, the distribution scikit-learn's
/// GaussianRandomProjection uses. Squared distances are preserved in expectation.
///
/// The matrix depends only on (seed, n_components, n_features): row c is drawn from its own
/// SplitMix64 stream derived from the seed and c, so the values do not depend on the thread
/// count. They are not scikit-learn's values (NumPy's generator is not reproduced).
template <class Scalar>
class gaussian_random_projection {
  static_assert(std::is_floating_point_v<Scalar>, "gaussian_random_projection needs float or double");

 public:
  using scalar_type = Scalar;
  static constexpr std::string_view type_tag = "drift.reduce.gaussian_random_projection";

  explicit gaussian_random_projection(index n_components, std::uint64_t seed = 0,
                                      int n_threads = 0)
      : n_components_(n_components), seed_(seed), n_threads_(n_threads) {
    checks::count_at_least(n_components, 1, "n_components");
    resolve_thread_count(n_threads);
  }

  /// Draws the projection matrix for `n_features` input features. Returns *this.
  gaussian_random_projection& fit(index n_features) {
    checks::count_at_least(n_features, 1, "n_features");
    const index k = n_components_;
    matrix<Scalar> components(k, n_features);
    const double scale = 1.0 / std::sqrt(static_cast<double>(k));
    parallel_for_ranges(k, n_threads_, 1, [&](index begin, index end) {
      for (index c = begin; c < end; ++c) {
        detail::splitmix_stream stream(detail::stream_seed(seed_, static_cast<std::uint64_t>(c)));
        for (index j = 0; j < n_features; ++j) {
          components(c, j) = static_cast<Scalar>(scale * stream.normal());
        }
      }
    });
    components_ = std::move(components);
    return *this;
  }

  /// Fits on the number of columns of `x` (only its shape is used, as in scikit-learn).
  template <class Derived>
  gaussian_random_projection& fit(const Eigen::DenseBase<Derived>& x) {
    checks::min_shape(x, 1, "x");
    return fit(x.cols());
  }

  /// Projects `x` (m x n_features) to m x n_components.
  template <class Derived>
  matrix<Scalar> transform(const Eigen::DenseBase<Derived>& x) const {
    static_assert(std::is_same_v<typename Derived::Scalar, Scalar>,
                  "gaussian_random_projection::transform: x must have the projection's scalar type");
    if (components_.size() == 0) {
      throw invalid_argument("this random projection is not fitted yet: call fit(x_ref) first");
    }
    if (x.cols() != n_features()) {
      throw shape_error("x has " + std::to_string(x.cols()) +
                        " columns but the projection was fitted on " +
                        std::to_string(n_features()) + " features");
    }
    return detail::project_rows<Scalar>(x, nullptr, components_, n_threads_);
  }

  template <class Derived>
  matrix<Scalar> operator()(const Eigen::DenseBase<Derived>& x) const {
    return transform(x);
  }

  [[nodiscard]] bool fitted() const { return components_.size() > 0; }
  [[nodiscard]] index n_components() const { return n_components_; }
  [[nodiscard]] index n_features() const { return components_.cols(); }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  /// The projection matrix (n_components x n_features), as scikit-learn's components_.
  [[nodiscard]] const matrix<Scalar>& components() const { return components_; }

  [[nodiscard]] std::string save() const {
    if (!fitted()) throw invalid_argument("this random projection is not fitted yet");
    serialization::binary_writer writer;
    writer.write_u8(detail::scalar_code<Scalar>());
    writer.write_u64(seed_);
    detail::write_matrix<Scalar>(writer, components_);
    return writer.finish(type_tag, 1);
  }

  static gaussian_random_projection load(std::string_view bytes) {
    serialization::binary_reader reader(bytes, type_tag, 1);
    if (reader.read_u8() != detail::scalar_code<Scalar>()) {
      reader.fail("the data holds a projection of another scalar type");
    }
    const std::uint64_t seed = reader.read_u64();
    matrix<Scalar> components = detail::read_matrix<Scalar>(reader);
    reader.expect_end();
    if (components.rows() < 1 || components.cols() < 1) reader.fail("empty projection matrix");
    gaussian_random_projection result(components.rows(), seed);
    result.components_ = std::move(components);
    return result;
  }

 private:
  index n_components_;
  std::uint64_t seed_;
  int n_threads_;
  matrix<Scalar> components_;
};

/// Any detector behind a transform: `transform` (a functor or lambda taking a matrix and
/// returning a matrix) is applied to the reference once at construction, and to every batch
/// in predict(), before the wrapped detector sees it. With a model's predicted probabilities
/// as the transform this is black-box shift detection (see make_bbsd_detector).
template <class Detector, class Transform>
class preprocessed_detector {
 public:
  using detector_type = Detector;
  using transform_type = Transform;

  /// Builds `Detector(transform(x_ref), detector_args...)`.
  template <class Derived, class... DetectorArgs>
  preprocessed_detector(Transform transform, const Eigen::DenseBase<Derived>& x_ref,
                        DetectorArgs&&... detector_args)
      : transform_(std::move(transform)),
        detector_(transform_(x_ref.derived()), std::forward<DetectorArgs>(detector_args)...) {}

  /// The wrapped detector's verdict on transform(x).
  template <class Derived>
  auto predict(const Eigen::DenseBase<Derived>& x) const {
    return detector_.predict(transform_(x.derived()));
  }

  const Detector& detector() const { return detector_; }
  const Transform& transform() const { return transform_; }

 private:
  Transform transform_;  // declared first: it is used to build detector_
  Detector detector_;
};

/// Wraps `Detector` behind `transform`; the detector's constructor gets the transformed
/// reference and `detector_args`.
template <class Detector, class Transform, class Derived, class... DetectorArgs>
preprocessed_detector<Detector, std::decay_t<Transform>> make_preprocessed_detector(
    Transform&& transform, const Eigen::DenseBase<Derived>& x_ref,
    DetectorArgs&&... detector_args) {
  return preprocessed_detector<Detector, std::decay_t<Transform>>(
      std::forward<Transform>(transform), x_ref, std::forward<DetectorArgs>(detector_args)...);
}

/// Black-box shift detection (Rabanser, Guennemann and Lipton, "Failing Loudly", NeurIPS
/// 2019): `model` maps a batch (m x d) to predicted class probabilities (m x n_classes, of
/// the same scalar type); each output is compared with the reference outputs by a KS test, and
/// the p-values are combined with a Bonferroni correction unless `options` says otherwise.
///
///   auto detector = make_bbsd_detector<double>(model, x_ref);
///   bool drift = detector.predict(x).is_drift;
template <class Scalar, class Model, class Derived>
preprocessed_detector<ks_drift_detector<Scalar>, std::decay_t<Model>> make_bbsd_detector(
    Model&& model, const Eigen::DenseBase<Derived>& x_ref, ks_drift_options options = {}) {
  return make_preprocessed_detector<ks_drift_detector<Scalar>>(std::forward<Model>(model), x_ref,
                                                               options);
}

}  // namespace shiftguard::drift
