#pragma once

// Drift detection: two-sample tests, detectors fitted on reference data, and streaming
// detectors.

#include "shiftguard/drift/classifier.hpp"
#include "shiftguard/drift/correction.hpp"
#include "shiftguard/drift/detector.hpp"
#include "shiftguard/drift/multivariate.hpp"
#include "shiftguard/drift/reduce.hpp"
#include "shiftguard/drift/stream.hpp"
#include "shiftguard/drift/univariate.hpp"
#include "shiftguard/drift/univariate/categorical.hpp"
#include "shiftguard/drift/univariate/distances.hpp"
#include "shiftguard/drift/tabular.hpp"
