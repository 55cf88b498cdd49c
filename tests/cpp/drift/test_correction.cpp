// Tests of shiftguard/drift/correction.hpp. Oracle: values worked by hand (and equal to
// statsmodels' multipletests for the BH case).

#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "shiftguard/drift/correction.hpp"

namespace drift = shiftguard::drift;

TEST_CASE("Bonferroni") {
  const std::vector<double> p = {0.01, 0.04, 0.5, 0.003};
  const auto result = drift::apply_correction(p, 0.05, drift::correction::bonferroni);
  CHECK(result.threshold == doctest::Approx(0.0125));
  CHECK(result.corrected_p_values[0] == doctest::Approx(0.04));
  CHECK(result.corrected_p_values[2] == 1.0);
  CHECK(result.rejected == std::vector<bool>{true, false, false, true});
  CHECK(result.any_rejected);
}

TEST_CASE("Benjamini-Hochberg") {
  // sorted: 0.001 0.008 0.039 0.041 0.042 0.06 0.074 0.205 ; alpha 0.05, d = 8
  const std::vector<double> p = {0.041, 0.001, 0.205, 0.008, 0.039, 0.06, 0.042, 0.074};
  const auto result = drift::apply_correction(p, 0.05, drift::correction::fdr);
  // k-th level 0.05 k / 8: 0.00625 0.0125 0.01875 0.025 ... ; p_(2)=0.008 < 0.0125 is the last
  CHECK(result.threshold == doctest::Approx(0.0125));
  CHECK(result.rejected ==
        std::vector<bool>{false, true, false, true, false, false, false, false});
  // adjusted: p_(1)=0.008, p_(2)=0.032, then min over the tail of 8 p_(j)/j
  CHECK(result.corrected_p_values[1] == doctest::Approx(0.008));
  CHECK(result.corrected_p_values[3] == doctest::Approx(0.032));
  CHECK(result.corrected_p_values[2] == doctest::Approx(0.205));
  CHECK(result.corrected_p_values[0] == doctest::Approx(0.0672));
}

TEST_CASE("no correction and no rejections") {
  const std::vector<double> p = {0.2, 0.3};
  const auto none = drift::apply_correction(p, 0.05, drift::correction::none);
  CHECK(none.threshold == 0.05);
  CHECK_FALSE(none.any_rejected);
  const auto fdr = drift::apply_correction(p, 0.05, drift::correction::fdr);
  CHECK(fdr.threshold == doctest::Approx(0.025));
  CHECK_FALSE(fdr.any_rejected);
}

TEST_CASE("correction: bad input") {
  CHECK_THROWS_AS(drift::apply_correction({}, 0.05, drift::correction::none),
                  shiftguard::invalid_argument);
  CHECK_THROWS_WITH(drift::apply_correction({0.1}, 1.5, drift::correction::none),
                    doctest::Contains("p_val"));
  CHECK_THROWS_WITH(drift::correction_from_string("holm-ish"),
                    doctest::Contains("correction must be"));
  CHECK(drift::correction_from_string("bh") == drift::correction::fdr);
}

// Values below come from a NumPy implementation of statsmodels' multipletests definitions
// (sidak: -expm1(d log1p(-p)); holm: running max of (d - j + 1) p_(j); fdr_by: BH on c(d) p).

TEST_CASE("Sidak") {
  const std::vector<double> p = {0.01, 0.04, 0.5, 0.003};
  const auto result = drift::apply_correction(p, 0.05, drift::correction::sidak);
  CHECK(result.threshold == doctest::Approx(0.012741455098566168).epsilon(1e-12));
  CHECK(result.corrected_p_values[0] == doctest::Approx(0.03940399).epsilon(1e-8));
  CHECK(result.corrected_p_values[1] == doctest::Approx(0.15065344).epsilon(1e-8));
  CHECK(result.corrected_p_values[2] == doctest::Approx(0.9375).epsilon(1e-12));
  CHECK(result.corrected_p_values[3] == doctest::Approx(0.01194611).epsilon(1e-7));
  CHECK(result.rejected == std::vector<bool>{true, false, false, true});
  // Sidak's threshold is a little larger than Bonferroni's alpha / d.
  CHECK(result.threshold > 0.05 / 4);
}

TEST_CASE("Holm step-down") {
  const std::vector<double> p = {0.01, 0.04, 0.5, 0.003};
  const auto result = drift::apply_correction(p, 0.05, drift::correction::holm);
  CHECK(result.corrected_p_values[0] == doctest::Approx(0.03));
  CHECK(result.corrected_p_values[1] == doctest::Approx(0.08));
  CHECK(result.corrected_p_values[2] == doctest::Approx(0.5));
  CHECK(result.corrected_p_values[3] == doctest::Approx(0.012));
  // ranks: 0.003 (1), 0.01 (2), 0.04 (3) fails 0.05 / 2 = 0.025
  CHECK(result.threshold == doctest::Approx(0.025));
  CHECK(result.decisive_rank == 3);
  CHECK(result.rejected == std::vector<bool>{true, false, false, true});
  CHECK(result.ranks == std::vector<std::size_t>{2, 3, 4, 1});
  CHECK(result.step_thresholds[3] == doctest::Approx(0.0125));
  CHECK(drift::explain(result, 3, p) == "p 0.003 < Holm step threshold 0.0125 (rank 1 of 4)");
  CHECK(drift::explain(result, 1, p) == "p 0.04 >= Holm step threshold 0.025 (rank 3 of 4)");
}

TEST_CASE("Holm: a feature below its own step is not rejected when the step-down stopped") {
  const std::vector<double> p = {0.014, 0.015, 0.9, 0.9};
  const auto result = drift::apply_correction(p, 0.05, drift::correction::holm);
  CHECK_FALSE(result.any_rejected);
  CHECK(result.decisive_rank == 1);
  CHECK(result.reasons[0] == drift::decision_reason::above_threshold);
  CHECK(result.reasons[1] == drift::decision_reason::step_down_stopped);
  CHECK(drift::explain(result, 1, p).find("step-down stopped at rank 1") != std::string::npos);
  // Holm never rejects less than Bonferroni.
  const auto bonferroni = drift::apply_correction(p, 0.05, drift::correction::bonferroni);
  CHECK_FALSE(bonferroni.any_rejected);
}

TEST_CASE("Benjamini-Yekutieli") {
  const std::vector<double> p = {0.041, 0.001, 0.205, 0.008, 0.039, 0.06, 0.042, 0.074};
  const auto result = drift::apply_correction(p, 0.05, drift::correction::by);
  const std::vector<double> expected = {0.18264,    0.02174286, 0.55716071, 0.08697143,
                                        0.18264,    0.21742857, 0.18264,    0.22985306};
  for (std::size_t k = 0; k < p.size(); ++k) {
    CHECK(result.corrected_p_values[k] == doctest::Approx(expected[k]).epsilon(1e-6));
  }
  CHECK(result.threshold == doctest::Approx(0.05 / 2.7178571428571425 / 8).epsilon(1e-12));
  CHECK(result.rejected ==
        std::vector<bool>{false, true, false, false, false, false, false, false});
}

TEST_CASE("Benjamini-Hochberg: a feature above its own rank level is included by a later rank") {
  const std::vector<double> p = {0.03, 0.02, 0.9};
  const auto result = drift::apply_correction(p, 0.05, drift::correction::fdr);
  CHECK(result.threshold == doctest::Approx(0.05 * 2 / 3));
  CHECK(result.rejected == std::vector<bool>{true, true, false});
  CHECK(result.reasons[1] == drift::decision_reason::step_up_included);
  CHECK(result.reasons[0] == drift::decision_reason::below_threshold);
  CHECK(result.reasons[2] == drift::decision_reason::above_threshold);
  CHECK(drift::explain(result, 1, p).find("but rank 2 passed") != std::string::npos);
}

TEST_CASE("every method: rejected exactly when the adjusted p-value is below alpha") {
  // Random p-values with ties; the adjusted p-values and the thresholds must agree.
  std::vector<double> p;
  unsigned state = 12345;
  for (int i = 0; i < 40; ++i) {
    state = state * 1103515245U + 12345U;
    p.push_back(static_cast<double>((state >> 8) % 400) / 4000.0);  // in [0, 0.1), with ties
  }
  for (auto method : {drift::correction::none, drift::correction::bonferroni,
                      drift::correction::sidak, drift::correction::holm, drift::correction::fdr,
                      drift::correction::by}) {
    CAPTURE(drift::to_string(method));
    const auto result = drift::apply_correction(p, 0.05, method);
    for (std::size_t k = 0; k < p.size(); ++k) {
      CAPTURE(k);
      // away from exact boundaries the two descriptions coincide
      if (std::abs(result.corrected_p_values[k] - 0.05) > 1e-12) {
        CHECK(result.rejected[k] == (result.corrected_p_values[k] < 0.05));
      }
      CHECK(result.rejected[k] == (p[k] < result.threshold));
    }
    CHECK(drift::correction_from_string(drift::to_string(method)) == method);
  }
}

TEST_CASE("correction names") {
  CHECK(drift::correction_from_string("sidak") == drift::correction::sidak);
  CHECK(drift::correction_from_string("holm") == drift::correction::holm);
  CHECK(drift::correction_from_string("by") == drift::correction::by);
  CHECK(drift::correction_from_string("fdr_by") == drift::correction::by);
  CHECK(drift::correction_from_string("fdr_bh") == drift::correction::fdr);
  CHECK_THROWS_WITH(drift::apply_correction({0.1, 1.5}, 0.05, drift::correction::holm),
                    doctest::Contains("p_values must lie in [0, 1]"));
  CHECK_THROWS_AS(drift::apply_correction({0.1, std::nan("")}, 0.05, drift::correction::by),
                  shiftguard::invalid_argument);
}
