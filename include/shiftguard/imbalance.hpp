#pragma once

// Class imbalance and shift reweighting: class and sample weights, resamplers, label-shift
// and covariate-shift correction, metrics for imbalanced data.
#include "shiftguard/imbalance/over_sampling.hpp"
