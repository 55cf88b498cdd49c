#pragma once

// Data validation: mergeable column profiles built from sketches (moments, KLL quantiles,
// HyperLogLog distinct counts, heavy hitters), schema inference and validation, integrity
// checks of training sets, and validation of N-d batches through xtensor views.

#include "shiftguard/core/json.hpp"
#include "shiftguard/validate/schema.hpp"
#include "shiftguard/validate/tensor.hpp"
#include "shiftguard/validate/sketch/hash.hpp"
#include "shiftguard/validate/sketch/moments.hpp"
#include "shiftguard/validate/sketch/kll.hpp"
#include "shiftguard/validate/sketch/hyperloglog.hpp"
#include "shiftguard/validate/sketch/heavy_hitters.hpp"
#include "shiftguard/validate/profile.hpp"
#include "shiftguard/validate/integrity.hpp"
