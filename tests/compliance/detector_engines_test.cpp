// The fast engine (Vectorscan for the literal-led trigger patterns, WordScanner for the
// class-led ones) must report exactly what the reference engine (Vectorscan for every pattern)
// reports: same spans, entities, subtypes, flags and confidences. Checked on hand-written edge
// cases, on random text over the characters the patterns care about (dense with near misses),
// and on CSV rows with mixed personal data.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rampart/compliance/detectors.h>

namespace rampart::compliance {
namespace {

std::string Describe(std::string_view text, const std::vector<Detection>& found) {
  std::string out;
  for (const Detection& d : found) {
    out += std::string(EntityName(d.entity)) + "/" + std::string(d.subtype) + "[" +
           std::to_string(d.start) + "," + std::to_string(d.end) +
           ")=" + std::string(text.substr(d.start, d.end - d.start)) +
           (d.validated ? " v " : " - ") + std::to_string(d.confidence) + "\n";
  }
  return out;
}

class EnginesAgree : public ::testing::Test {
 protected:
  void Check(std::string_view text) {
    fast_.Detect(text, fast_found_);
    reference_.Detect(text, reference_found_);
    ASSERT_EQ(Describe(text, fast_found_), Describe(text, reference_found_))
        << "text: \"" << text << "\"";
  }

  ValueDetector fast_{ValueDetector::Engine::kFast};
  ValueDetector reference_{ValueDetector::Engine::kReference};
  std::vector<Detection> fast_found_;
  std::vector<Detection> reference_found_;
};

TEST_F(EnginesAgree, HandWrittenCases) {
  const char* kCases[] = {
      "Contact anna.schmidt@example.org, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 "
      "0130 00 and phone +49 30 901820.",
      "DE89370400440532013000 de89370400440532013000 XDE89370400440532013000 _DE893704004405320130",
      "SSN 536-22-1234 536 22 1234 536-22-1234_ x536-22-1234 536-22-1234x",
      "NINO AB 12 34 56 C AB123456C AB123456C_ AB 12 34 56 E",
      "CF: RSSMRA85T10A562S RSSMRA85T10A562S_ xRSSMRA85T10A562S rssmra85t10a562s",
      "DNI 12345678Z 12345678-Z 12345678 Z 123456789Z 12345678Z_ NIE X1234567L X-1234567-L "
      "y 1234567 l aX1234567L _X1234567L",
      "NIR 1 84 12 76 451 089 46 imei 490154203237518 4901542032375180",
      "from 192.168.10.7 1.2.3.4.5.6 999.1.1.1 1.2.3.4abc ab1.2.3.4 1234.5.6.7 1.2345.6.7",
      "addr 2001:db8::8a2e:370:7334 ok ::1 fe80::1%eth0 1:2:3:4:5:6:7:8:9",
      "mac 00:1A:2B:3C:4D:5E 00-1a-2b-3c-4d-5e 001a.2b3c.4d5e 001a.2b3c.4d5ezz abcd.efab.cdefab "
      "zz00-1a-2b-3c-4d-5e 00-1a-2b-3c-4d-5e-6f",
      "uuid 6fa459ea-ee8a-4ca4-894e-db77e160355e x6fa459ea-ee8a-4ca4-894e-db77e160355e "
      "6FA459EA-EE8A-3CA4-894E-DB77E160355E",
      "md5 9e107d9d372bb6826bd81d3542a419d6 sha1 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12 "
      "sha256 d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592 "
      "g9e107d9d372bb6826bd81d3542a419d6",
      "born 1985-03-14 in Bonn, geboren am 14.03.1985, date of birth: 01/02/1970",
      "at 52.520008, 13.404954 and -33.8688,151.2093 and 52.520008 , -13.404954 1.2345,6.7890",
      "London SW1A 1AA, M1 1AE, B33 8TH, CR2 6XH, DN55 1PT, W1A0AX, EC1A 1BB_",
      "call (030) 1234567 or (202) 555-0143 or 0049 30 901820 or 030 901820 or 202-555-0143",
      "card 4111-1111-1111-1111 5555 5555 5555 4444 378282246310005 4111 1111 1111 1111 2025",
      "1234 5678 9_ 1234 56789 0_ 12345678 9ab 123456789 1ab ab12 3456789012",
      // Digit runs that a word with letters joins: the fast engine's walk starts at the run.
      "ab12 4111111111111111 x1-4111 1111 1111 1111 a1 2 4111111111111111 +4930 901820 7",
      // The '@', ':' and '(' patterns, found by the word scanner in the fast engine.
      "a:b:c:d abcde:1:2: 1:abcde:2: 1:2:abcde: :: ::: :::: g:1:2: 1:g:2:3: 12345:1:2:3 fe80::1:",
      "(1) (12) (12345) (123456) ((12)) (12 (030)1234567 (030)x ( 030) (0301234567",
      "@ @a x@ @_ a@@b.cd a@b@c.de @@example.org a@1.de a@-b.de a@b.c a@b.cd@e.fg",
  };
  for (const char* text : kCases) Check(text);
}

TEST_F(EnginesAgree, RandomTextDenseWithNearMisses) {
  // Characters every pattern starts, continues or ends with, and the separators between them.
  const std::string alphabet =
      "0123456789012345678901234567890123456789abcdefABCDEFLMXYZSWx"
      "      ..--::,,@_()+/";
  std::mt19937_64 rng(20261129);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<std::size_t> length(1, 160);
  for (int i = 0; i < 4000; ++i) {
    std::string text;
    const std::size_t n = length(rng);
    for (std::size_t k = 0; k < n; ++k) text.push_back(alphabet[pick(rng)]);
    Check(text);
  }
}

TEST_F(EnginesAgree, EveryByteValue) {
  // The byte classification of the fast engine (SIMD range tests) against Vectorscan's on all
  // 256 byte values, each next to digits, letters and separators, then on random bytes.
  const std::vector<std::string> contexts = {"12345678#9 ",
                                             "4111111111111111# ",
                                             " #4111111111111111 ",
                                             "12345678Z# ",
                                             "123#456789 ",
                                             "4111 1111 1111 111# ",
                                             "192.168.0.#1 ",
                                             "10.0#0.1 ",
                                             "AB 12 34 56 #",
                                             "1234567#L ",
                                             "X#1234567L ",
                                             "SW1A 1A# ",
                                             "a#@example.org ",
                                             "6fa459ea-ee8a-4ca4-894e-db77e160355# ",
                                             "00-1a-2b-3c-4d-5# ",
                                             "52.52000#, 13.404954 ",
                                             "DE89#370400440532013000 ",
                                             "RSSMRA85T10A562# ",
                                             "(030# 1234567 ",
                                             "fe80:#:1 "};
  for (int byte = 0; byte < 256; ++byte) {
    std::string text;
    for (std::string context : contexts) {
      context[context.find('#')] = static_cast<char>(byte);
      text += context;
    }
    Check(text);
  }
  std::mt19937_64 rng(256);
  for (int i = 0; i < 2000; ++i) {
    std::string text(1 + rng() % 120, '\0');
    for (char& c : text) c = static_cast<char>(rng() % 256);
    Check(text);
  }
}

TEST_F(EnginesAgree, RandomTokensFromEntityShapes) {
  // Fragments of real entities glued with random separators: valid ones, truncated ones and
  // ones with a changed character.
  const std::vector<std::string> pieces = {"4111 1111 1111 1111",
                                           "4111111111111111",
                                           "DE89 3704 0044 0532 0130 00",
                                           "DE89370400440532013000",
                                           "536-22-1234",
                                           "AB 12 34 56 C",
                                           "RSSMRA85T10A562S",
                                           "12345678Z",
                                           "X1234567L",
                                           "1 84 12 76 451 089 46",
                                           "490154203237518",
                                           "192.168.10.7",
                                           "2001:db8::8a2e:370:7334",
                                           "00:1A:2B:3C:4D:5E",
                                           "00-1a-2b-3c-4d-5e",
                                           "001a.2b3c.4d5e",
                                           "6fa459ea-ee8a-4ca4-894e-db77e160355e",
                                           "9e107d9d372bb6826bd81d3542a419d6",
                                           "born 1985-03-14",
                                           "52.520008, 13.404954",
                                           "SW1A 1AA",
                                           "(030) 1234567",
                                           "+49 30 901820",
                                           "anna.schmidt@example.org",
                                           "0049 30 901820",
                                           "202-555-0143"};
  const std::vector<std::string> glue = {" ", ",", ", ", "-", ".", "", "_", "x", "1", ";", "\n"};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int count = 1 + static_cast<int>(rng() % 5);
    for (int k = 0; k < count; ++k) {
      std::string piece = pieces[rng() % pieces.size()];
      switch (rng() % 4) {
        case 0:
          piece = piece.substr(0, rng() % (piece.size() + 1));
          break;
        case 1:
          piece[rng() % piece.size()] = "0123456789AZaz -.:"[rng() % 18];
          break;
        default:
          break;
      }
      text += glue[rng() % glue.size()] + piece;
    }
    Check(text);
  }
}

// The word scanner works on 64-byte chunks and carries a word's state across chunk ends: long
// texts put every kind of word (short, 64 bytes and longer, entity-shaped) across many chunk
// boundaries at every offset.
TEST_F(EnginesAgree, LongTextsAcrossChunkBoundaries) {
  const std::vector<std::string> pieces = {
      "4111 1111 1111 1111",
      "DE89 3704 0044 0532 0130 00",
      "DE89370400440532013000",
      "536-22-1234",
      "AB 12 34 56 C",
      "RSSMRA85T10A562S",
      "12345678Z",
      "X1234567L",
      "490154203237518",
      "192.168.10.7",
      "2001:db8::8a2e:370:7334",
      "00-1a-2b-3c-4d-5e",
      "001a.2b3c.4d5e",
      "6fa459ea-ee8a-4ca4-894e-db77e160355e",
      "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
      "born 1985-03-14",
      "52.520008, 13.404954",
      "SW1A 1AA",
      "(030) 1234567",
      "+49 30 901820",
      "anna.schmidt@example.org",
      "customer asked for a call back tomorrow",
      "abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdef",
      "Donaudampfschifffahrtsgesellschaftskapitaenswitwenrentenversicherungsanstalt",
      "1234567890123456789012345678901234567890123456789012345678901234567890"};
  const std::string alphabet = "0123456789abcdefABCDEFLMXYZSWx      ..--::,,@_()+/";
  const std::vector<std::string> glue = {" ", ",", "-", ".", "", "_", "x", "1", "\n", "\t"};
  std::mt19937_64 rng(64);
  for (int i = 0; i < 40; ++i) {
    std::string text;
    const std::size_t size = 1024 + rng() % 16384;
    while (text.size() < size) {
      if (rng() % 3 == 0) {
        for (std::size_t k = rng() % 80; k > 0; --k)
          text.push_back(alphabet[rng() % alphabet.size()]);
      } else {
        std::string piece = pieces[rng() % pieces.size()];
        if (rng() % 4 == 0) piece[rng() % piece.size()] = "0123456789AZaz -.:"[rng() % 18];
        text += glue[rng() % glue.size()] + piece;
      }
    }
    Check(text);
  }
}

TEST_F(EnginesAgree, CsvRowsWithMixedPersonalData) {
  std::string csv = "id,name,email,phone,iban,card,ip,device,lat_long,amount,created_at,note\n";
  for (int id = 1; id <= 400; ++id) {
    csv += std::to_string(id) + ",anna Example,anna." + std::to_string(id) +
           "@example.org,+49 30 " + std::to_string(1000000 + id * 7919) +
           ",DE89370400440532013000,4111111111111111,10." + std::to_string(id % 256) +
           ".0.1,6fa459ea-ee8a-4ca4-894e-db77e160355e,\"52.520008, 13.404954\",12.50,"
           "2026-03-14T10:11:12Z,born 1985-03-14 call (030) 1234567\n";
  }
  Check(csv);
}

}  // namespace
}  // namespace rampart::compliance
