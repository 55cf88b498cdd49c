#pragma once

// Streaming drift detectors: one value at a time, constant memory, river's semantics.
// Each detector also has a header of its own under drift/stream/ that can be included alone.

#include "shiftguard/drift/stream/common.hpp"
#include "shiftguard/drift/stream/online_mmd.hpp"
#include "shiftguard/drift/stream/page_hinkley.hpp"
