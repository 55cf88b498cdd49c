#pragma once

// shiftguard umbrella header: includes every area that has landed.
// Areas still to come (imbalance, validate, nn) will be added here as they land.

#include "shiftguard/core.hpp"
#include "shiftguard/drift.hpp"
#include "shiftguard/version.hpp"
