// The value-level detector: one multi-pattern pass with Vectorscan/Hyperscan over the text finds
// every candidate (e-mail, card, IBAN, phone, national ids, IPs, MACs, device ids, hashes,
// coordinates, dates of birth near a birth keyword, postcodes), then the validators of
// validators.h decide which candidates are real. A look-alike that fails its check digit is
// dropped, not reported as a weaker entity.
//
//   ValueDetector detector;   // cheap: the pattern database is compiled once per process
//   for (const Detection& d : detector.Detect("mail anna@example.org or +49 30 901820"))
//     std::cout << EntityName(d.entity) << " [" << d.start << "," << d.end << ")\n";
//
// A ValueDetector owns Hyperscan scratch space: use one per thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include <rampart/compliance/entities.h>

namespace rampart::compliance {

struct Detection {
  Entity entity = Entity::kNone;
  // "visa", "us_ssn", "ipv6", "DE" (phone region), ...: a view of static storage, valid for the
  // life of the program (a scan of a large file makes millions of detections, and copying the
  // subtype into a string of its own was a twentieth of its time).
  std::string_view subtype;
  std::size_t start = 0;  // byte offsets into the scanned text: [start, end)
  std::size_t end = 0;
  bool validated = false;   // a check digit, range or parser confirmed it (not only a format)
  double confidence = 0.0;  // probability that the span really is the entity
};

class ValueDetector {
 public:
  // How the trigger patterns are found. kFast (the default): Vectorscan runs the birth keywords
  // (a literal set) and a byte-class word scanner all the others (character-class patterns keep
  // Vectorscan's automata busy on every byte: 150 MB/s for the set against GB/s for the
  // scanner). kReference: Vectorscan runs all of them. Both feed the same extractors and
  // validators and report the same detections; kReference is there to check that.
  enum class Engine { kFast, kReference };

  explicit ValueDetector(Engine engine = Engine::kFast);
  ~ValueDetector();
  ValueDetector(ValueDetector&&) noexcept;
  ValueDetector& operator=(ValueDetector&&) noexcept;
  ValueDetector(const ValueDetector&) = delete;
  ValueDetector& operator=(const ValueDetector&) = delete;

  // Detections ordered by start offset; spans strictly inside another detection are dropped
  // (the digits inside an IBAN are not also a card number).
  [[nodiscard]] std::vector<Detection> Detect(std::string_view text);
  // The same, appending to `out` (cleared first) to reuse its storage in hot loops.
  void Detect(std::string_view text, std::vector<Detection>& out);

  // Number of patterns in the compiled database.
  [[nodiscard]] static std::size_t PatternCount();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rampart::compliance
