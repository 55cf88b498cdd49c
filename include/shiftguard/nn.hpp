#pragma once

// Small-network training: dense layers, losses, optimisers, the trainer and its guard rails,
// model input/output.

#include "shiftguard/nn/activations.hpp"
#include "shiftguard/nn/calibration.hpp"
#include "shiftguard/nn/compress.hpp"
#include "shiftguard/nn/layers.hpp"
#include "shiftguard/nn/losses.hpp"
#include "shiftguard/nn/model_io.hpp"
#include "shiftguard/nn/optim.hpp"
#include "shiftguard/nn/random.hpp"
#include "shiftguard/nn/train.hpp"
