#pragma once

// Drift detection: two-sample tests and detectors fitted on reference data.

#include "shiftguard/drift/correction.hpp"
#include "shiftguard/drift/detector.hpp"
#include "shiftguard/drift/univariate.hpp"
