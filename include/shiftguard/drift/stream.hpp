#pragma once

// Streaming drift detectors: one value (or one observation) at a time, constant memory,
// river's semantics. Each detector also has a header of its own under drift/stream/ that can
// be included alone.

#include "shiftguard/drift/stream/adwin.hpp"
#include "shiftguard/drift/stream/common.hpp"
#include "shiftguard/drift/stream/cusum.hpp"
#include "shiftguard/drift/stream/ddm.hpp"
#include "shiftguard/drift/stream/eddm.hpp"
#include "shiftguard/drift/stream/hddm_a.hpp"
#include "shiftguard/drift/stream/hddm_w.hpp"
#include "shiftguard/drift/stream/kswin.hpp"
#include "shiftguard/drift/stream/online_mmd.hpp"
#include "shiftguard/drift/stream/page_hinkley.hpp"
