#pragma once

#define SHIFTGUARD_VERSION_MAJOR 0
#define SHIFTGUARD_VERSION_MINOR 1
#define SHIFTGUARD_VERSION_PATCH 0

namespace shiftguard {
/// Library version, "major.minor.patch".
inline constexpr const char* version = "0.1.0";
}  // namespace shiftguard
