// Value-level minimization: generalization (dates to year or month, numbers to bands or fewer
// decimals, codes to a prefix) and masking. All of them are idempotent: applying one to its own
// output returns that output, so running `minimize` twice equals running it once.
//
//   using rampart::compliance::Generalize;
//   Generalize("1985-03-12", *ParseGeneralization("year"));     // "1985"
//   Generalize("37", *ParseGeneralization("band:10"));          // "30-39"
//   Generalize("48.85661", *ParseGeneralization("round:2"));    // "48.86"
//   Generalize("75013", *ParseGeneralization("prefix:2"));      // "75"
//   MaskValue("+33 6 12 34 56 78", 4);                          // "*************6 78"
//
// Empty values stay empty (a missing value reveals nothing more after minimization). A value that
// cannot be read (a date that is no date) throws InputError without a location: the caller knows
// the row and column and adds them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <rampart/compliance/policy.h>

namespace rampart::compliance {

// year/month: ISO 8601 dates "YYYY", "YYYY-MM", "YYYY-MM-DD", optionally followed by a time
// ("T..." or " ..."). band:w: numbers (the integer part, floored) to "lo-hi" with lo a multiple of
// w and hi = lo + w - 1. round:d: decimal numbers rounded half away from zero on their decimal
// text (so 2.675 gives 2.68, not the 2.67 of binary floating point). prefix:n: the first n UTF-8
// code points.
[[nodiscard]] std::string Generalize(std::string_view value, const Generalization& generalization);

// Replaces every UTF-8 code point but the last `keep_last` with `mask`.
[[nodiscard]] std::string MaskValue(std::string_view value, std::int64_t keep_last,
                                    char mask = '*');

}  // namespace rampart::compliance
