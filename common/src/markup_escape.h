// The escaping that the HTML and the JUnit (XML) writers share. Private to common/.
#pragma once

#include <string>
#include <string_view>

namespace rampart::internal {

// Appends c, or its entity when markup gives it a meaning (& < > " '). The apostrophe's entity is
// the caller's: HTML 4 has no &apos;, so the HTML writer uses &#39; where XML uses &apos;.
inline void AppendEscapedMarkup(std::string& out, char c, std::string_view apostrophe) {
  switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += apostrophe;
      break;
    default:
      out.push_back(c);
  }
}

}  // namespace rampart::internal
