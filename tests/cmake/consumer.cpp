// A tiny program that uses shiftguard as an outside project would.
#include <cstdio>
#include <random>

#include <Eigen/Dense>
#include <shiftguard.hpp>

int main() {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd reference(500, 3), shifted(400, 3);
  for (Eigen::Index i = 0; i < reference.size(); ++i) reference.data()[i] = normal(rng);
  for (Eigen::Index i = 0; i < shifted.size(); ++i) shifted.data()[i] = normal(rng);
  shifted.col(1).array() += 1.0;

  shiftguard::drift::ks_drift_detector<double> detector(reference);
  const auto result = detector.predict(shifted);
  std::printf("is_drift=%d feature_drift=%d%d%d\n", result.is_drift ? 1 : 0,
              result.feature_drift[0] ? 1 : 0, result.feature_drift[1] ? 1 : 0,
              result.feature_drift[2] ? 1 : 0);
  // Feature 1 drifted, the others did not.
  return (result.is_drift && result.feature_drift[1] && !result.feature_drift[0] &&
          !result.feature_drift[2]) ? 0 : 1;
}
