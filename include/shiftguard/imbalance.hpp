#pragma once

// Class imbalance and shift reweighting: class and sample weights, resamplers, label-shift
// and covariate-shift correction, metrics for imbalanced data.

#include "shiftguard/imbalance/metrics.hpp"
#include "shiftguard/imbalance/weights.hpp"
