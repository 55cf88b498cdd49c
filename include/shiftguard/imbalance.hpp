#pragma once

// Class imbalance and shift reweighting: class and sample weights, resamplers, label-shift
// and covariate-shift correction, metrics for imbalanced data.

#include "shiftguard/imbalance/covariate_shift.hpp"
#include "shiftguard/imbalance/label_shift.hpp"
#include "shiftguard/imbalance/metrics.hpp"
#include "shiftguard/imbalance/weights.hpp"
#include "shiftguard/imbalance/neighbors.hpp"
#include "shiftguard/imbalance/sampling.hpp"
#include "shiftguard/imbalance/numpy_random.hpp"
#include "shiftguard/imbalance/under_sampling.hpp"
#include "shiftguard/imbalance/over_sampling.hpp"
