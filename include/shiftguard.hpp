#pragma once

// shiftguard umbrella header: includes every area that has landed.

#include "shiftguard/core.hpp"
#include "shiftguard/drift.hpp"
#include "shiftguard/imbalance.hpp"
#include "shiftguard/nn.hpp"
#include "shiftguard/validate.hpp"
#include "shiftguard/version.hpp"
