#pragma once

// Core: errors, matrix aliases, input checks, parallel helpers, sorting, JSON.

#include "shiftguard/core/checks.hpp"
#include "shiftguard/core/errors.hpp"
#include "shiftguard/core/json.hpp"
#include "shiftguard/core/parallel.hpp"
#include "shiftguard/core/sort.hpp"
#include "shiftguard/core/types.hpp"
