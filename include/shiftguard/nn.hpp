#pragma once

// Small-network training: dense layers, losses, optimisers, the trainer and its guard rails,
// model input/output.
