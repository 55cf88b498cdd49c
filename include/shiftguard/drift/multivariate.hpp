#pragma once

// Multivariate two-sample drift tests: maximum mean discrepancy (quadratic-time permutation
// test and linear-time test), least-squares density difference, energy distance, and
// Hotelling's T^2 test of a mean shift.

#include "shiftguard/drift/multivariate/energy.hpp"
#include "shiftguard/drift/multivariate/hotelling.hpp"
#include "shiftguard/drift/multivariate/lsdd.hpp"
#include "shiftguard/drift/multivariate/mmd.hpp"
