// Tests of shiftguard/drift/correction.hpp. Oracle: values worked by hand (and equal to
// statsmodels' multipletests for the BH case).

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
