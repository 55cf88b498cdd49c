#pragma once

// Hotelling's two-sample T^2 test of a shift in the mean vector, with a report of which
// features moved most.
//
// With n1 reference rows, n2 current rows, p features, means mu_ref and mu_cur, and the pooled
// covariance S = ((n1 - 1) S_ref + (n2 - 1) S_cur) / (n1 + n2 - 2) (sample covariances,
// ddof 1), delta = mu_cur - mu_ref,
//   D^2 = delta^T S^{-1} delta             (squared Mahalanobis distance of the means)
//   T^2 = n1 n2 / (n1 + n2) D^2
//   F   = (n1 + n2 - p - 1) / (p (n1 + n2 - 2)) T^2  ~  F(p, n1 + n2 - p - 1) under H0,
// and the p-value is P[F(p, n1 + n2 - p - 1) >= F] (special::f_sf). The test needs
// n1 + n2 >= p + 2 and a non-singular pooled covariance: when the smallest eigenvalue of S is
// below 1e-12 times the largest (a constant feature, or features that are exact linear
// combinations of others), invalid_argument is thrown naming the rank; drop or combine those
// features (no pseudo-inverse is used, so the F distribution stays exact).
//
// Per feature j the report gives the standardised mean difference delta_j / sqrt(S_jj) and
// the contribution delta_j (S^{-1} delta)_j to D^2 (the contributions sum to D^2; a
// contribution can be negative when correlated features move in opposite directions).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/serialization.hpp"
#include "shiftguard/core/special.hpp"
#include "shiftguard/core/types.hpp"
#include "shiftguard/drift/multivariate/common.hpp"

namespace shiftguard::drift {

/// Verdict of Hotelling's T^2 test with its per-feature evidence.
struct hotelling_result {
  bool is_drift = false;        ///< p_value < p_val
  double t2 = 0.0;              ///< Hotelling's T^2
  double f_statistic = 0.0;     ///< T^2 rescaled to F(p, n1 + n2 - p - 1)
  double p_value = 1.0;         ///< upper tail of the F distribution
  double df1 = 0.0;             ///< p
  double df2 = 0.0;             ///< n1 + n2 - p - 1
  double mahalanobis = 0.0;     ///< D = sqrt(delta^T S^{-1} delta)
  double threshold = 0.05;      ///< p_val
  std::vector<double> mean_difference;          ///< mu_cur - mu_ref per feature
  std::vector<double> standardized_difference;  ///< delta_j / sqrt(S_jj)
  std::vector<double> contribution;             ///< delta_j (S^{-1} delta)_j, sums to D^2
};

namespace detail::multivariate {

/// Mean and scatter matrix (sum of outer products of centred rows) of x, in double.
template <class Derived>
void mean_and_scatter(const Eigen::DenseBase<Derived>& x, vector<double>& mean,
                      matrix<double>& scatter) {
  matrix<double> centred = x.derived().template cast<double>();
  mean = centred.colwise().mean().transpose();
  centred.rowwise() -= mean.transpose();
  scatter = centred.transpose() * centred;
}

inline hotelling_result hotelling_from_moments(const vector<double>& mean_ref,
                                               const matrix<double>& scatter_ref, index n1,
                                               const vector<double>& mean_cur,
                                               const matrix<double>& scatter_cur, index n2,
                                               double p_val) {
  const index p = mean_ref.size();
  if (n1 + n2 < p + 2) {
    std::ostringstream message;
    message << "Hotelling's T^2 needs n_ref + n_cur >= n_features + 2, got " << n1 << " + " << n2
            << " rows for " << p << " features";
    throw shape_error(message.str());
  }
  const auto dof = static_cast<double>(n1 + n2 - 2);
  const matrix<double> pooled = (scatter_ref + scatter_cur) / dof;
  Eigen::SelfAdjointEigenSolver<matrix<double>> eigen(pooled);
  const vector<double>& values = eigen.eigenvalues();
  const double largest = values.maxCoeff();
  const double cutoff = 1e-12 * largest;
  index rank = 0;
  for (index k = 0; k < p; ++k) {
    if (values(k) > cutoff) ++rank;
  }
  if (!(largest > 0.0) || rank < p) {
    std::ostringstream message;
    message << "Hotelling's T^2: the pooled covariance is singular (numerical rank " << rank
            << " of " << p
            << " features): a feature is constant in both samples or is a linear combination "
               "of others; drop or combine those features";
    throw invalid_argument(message.str());
  }
  const vector<double> delta = mean_cur - mean_ref;
  const vector<double> solved =
      eigen.eigenvectors() *
      ((eigen.eigenvectors().transpose() * delta).array() / values.array()).matrix();
  const double d2 = std::max(0.0, delta.dot(solved));
  hotelling_result result;
  const auto nx = static_cast<double>(n1);
  const auto ny = static_cast<double>(n2);
  const auto pd = static_cast<double>(p);
  result.t2 = nx * ny / (nx + ny) * d2;
  result.df1 = pd;
  result.df2 = nx + ny - pd - 1.0;
  result.f_statistic = result.df2 / (pd * dof) * result.t2;
  result.p_value = special::f_sf(result.f_statistic, result.df1, result.df2);
  result.mahalanobis = std::sqrt(d2);
  result.threshold = p_val;
  result.is_drift = result.p_value < p_val;
  result.mean_difference.resize(static_cast<std::size_t>(p));
  result.standardized_difference.resize(static_cast<std::size_t>(p));
  result.contribution.resize(static_cast<std::size_t>(p));
  for (index j = 0; j < p; ++j) {
    const auto k = static_cast<std::size_t>(j);
    result.mean_difference[k] = delta(j);
    result.standardized_difference[k] = delta(j) / std::sqrt(pooled(j, j));
    result.contribution[k] = delta(j) * solved(j);
  }
  return result;
}

}  // namespace detail::multivariate

/// Hotelling's two-sample T^2 test of `x_ref` (n1 x p) against `x` (n2 x p), n1, n2 >= 2.
template <class DerivedX, class DerivedY>
hotelling_result hotelling_test(const Eigen::DenseBase<DerivedX>& x_ref,
                                const Eigen::DenseBase<DerivedY>& x, double p_val = 0.05) {
  namespace mv = detail::multivariate;
  checks::open_interval(p_val, 0.0, 1.0, "p_val");
  mv::check_sample(x_ref, 2, "x_ref");
  mv::check_sample(x, 2, "x");
  mv::check_same_features(x, x_ref.cols(), "x");
  vector<double> mean_ref;
  vector<double> mean_cur;
  matrix<double> scatter_ref;
  matrix<double> scatter_cur;
  mv::mean_and_scatter(x_ref, mean_ref, scatter_ref);
  mv::mean_and_scatter(x, mean_cur, scatter_cur);
  return mv::hotelling_from_moments(mean_ref, scatter_ref, x_ref.rows(), mean_cur, scatter_cur,
                                    x.rows(), p_val);
}

/// Hotelling T^2 drift detector: keeps only the reference mean, scatter matrix and row count
/// (O(p^2) memory, no raw reference), and can be saved and loaded.
class hotelling_drift_detector {
 public:
  static constexpr const char* type_tag = "drift.multivariate.hotelling";
  static constexpr std::uint32_t layout_version = 1;

  template <class Derived>
  explicit hotelling_drift_detector(const Eigen::DenseBase<Derived>& x_ref, double p_val = 0.05)
      : p_val_(p_val), n_reference_(x_ref.rows()) {
    checks::open_interval(p_val, 0.0, 1.0, "p_val");
    detail::multivariate::check_sample(x_ref, 2, "x_ref");
    detail::multivariate::mean_and_scatter(x_ref, mean_, scatter_);
  }

  template <class Derived>
  hotelling_result predict(const Eigen::DenseBase<Derived>& x) const {
    namespace mv = detail::multivariate;
    mv::check_sample(x, 2, "x");
    mv::check_same_features(x, n_features(), "x");
    vector<double> mean_cur;
    matrix<double> scatter_cur;
    mv::mean_and_scatter(x, mean_cur, scatter_cur);
    return mv::hotelling_from_moments(mean_, scatter_, n_reference_, mean_cur, scatter_cur,
                                      x.rows(), p_val_);
  }

  [[nodiscard]] index n_features() const { return mean_.size(); }
  [[nodiscard]] index n_reference() const { return n_reference_; }
  [[nodiscard]] double p_val() const { return p_val_; }
  [[nodiscard]] const vector<double>& reference_mean() const { return mean_; }

  [[nodiscard]] std::string save() const {
    serialization::binary_writer writer;
    writer.write_f64(p_val_);
    writer.write_i64(n_reference_);
    writer.write_i64(mean_.size());
    writer.write_array(mean_.data(), static_cast<std::size_t>(mean_.size()));
    writer.write_array(scatter_.data(), static_cast<std::size_t>(scatter_.size()));
    return writer.finish(type_tag, layout_version);
  }

  static hotelling_drift_detector load(std::string_view bytes) {
    serialization::binary_reader reader(bytes, type_tag, layout_version);
    const double p_val = reader.read_f64();
    const std::int64_t n = reader.read_i64();
    const std::int64_t p = reader.read_i64();
    if (!(p_val > 0.0 && p_val < 1.0)) reader.fail("p_val is outside (0, 1)");
    if (n < 2 || p < 1) reader.fail("the reference shape is invalid");
    std::vector<double> mean = reader.read_array<double>();
    std::vector<double> scatter = reader.read_array<double>();
    reader.expect_end();
    if (mean.size() != static_cast<std::size_t>(p) ||
        scatter.size() / static_cast<std::size_t>(p) != static_cast<std::size_t>(p) ||
        scatter.size() % static_cast<std::size_t>(p) != 0) {
      reader.fail("the stored moments do not match the number of features");
    }
    hotelling_drift_detector detector;
    detector.p_val_ = p_val;
    detector.n_reference_ = n;
    detector.mean_ = Eigen::Map<const vector<double>>(mean.data(), p);
    detector.scatter_ = Eigen::Map<const matrix<double>>(scatter.data(), p, p);
    return detector;
  }

 private:
  hotelling_drift_detector() = default;

  double p_val_ = 0.05;
  index n_reference_ = 0;
  vector<double> mean_;
  matrix<double> scatter_;
};

}  // namespace shiftguard::drift
