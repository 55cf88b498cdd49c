#pragma once

// shiftguard umbrella header: includes every area that has landed.
// Areas still to come (validate) will be added here as they land.

#include "shiftguard/core.hpp"
#include "shiftguard/drift.hpp"
#include "shiftguard/imbalance.hpp"
#include "shiftguard/nn.hpp"
#include "shiftguard/version.hpp"
